/* libFuzzer driver: any bytes as a JSON request body, through the contact
 * list rules (create and update) and the contact rules, as the API applies
 * them. Nothing may crash or leak; a refusal must carry a status and a
 * message, an acceptance a document the encoder can write. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/contact.h"
#include "model/contactlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_refusal(int rc, const struct problem *p)
{
	if (rc != 0 && (p->status < 400 || !p->message[0] || !p->code[0]))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct db_limits limits;
	db_limits_init(&limits);
	json_t *body = json_loadb((const char *)data, size,
				  JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
	if (!body)
		return 0;
	struct problem p;
	struct contact_list_input in;
	problem_init(&p);
	int rc = contact_list_parse(body, FIELD_CREATE, &limits, NULL, &in, &p);
	check_refusal(rc, &p);
	if (rc == 0) {
		/* An accepted list: encode it, update it with itself, take its contacts. */
		struct contact_list cl = {.version = 1, .name = (char *)in.name, .doc = in.doc};
		json_t *out = contact_list_to_json(&cl, NULL);
		struct contact_list_input again;
		struct problem p2;
		problem_init(&p2);
		json_object_set_new(out, "version", json_integer(1));
		int rc2 = contact_list_parse(out, FIELD_UPDATE, &limits, &cl, &again, &p2);
		check_refusal(rc2, &p2);
		if (rc2 == 0) {
			contact_list_check_update(&cl, &again, &p2);
			contact_list_input_release(&again);
		}
		problem_release(&p2);
		struct contact_schema schema;
		if (contact_schema_init(&schema, in.doc, &limits) == 0) {
			struct contact c;
			struct problem p3;
			problem_init(&p3);
			json_t *contact =
				json_pack("{s:s,s:o}", "contactListId", "L", "data",
					  json_deep_copy(json_object_get(body, "data")
								 ? json_object_get(body, "data")
								 : body));
			if (contact_parse(contact, &schema, "L", "", &c, &p3) == 0)
				contact_release(&c, schema.count);
			json_decref(contact);
			problem_release(&p3);
			contact_schema_release(&schema);
		}
		json_decref(out);
		contact_list_input_release(&in);
	}
	problem_release(&p);
	json_decref(body);
	return 0;
}
