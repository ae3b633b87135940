/* Writes realistic contact files for bench/validate.sh, one shape at a
 * time: `gen_contacts SHAPE ROWS` writes the CSV to stdout and
 * `gen_contacts SHAPE --list` the list definition it validates against.
 * `gen_contacts ROWS` alone is the historical `full` file. Deterministic
 * for a given shape and row count; every row is valid.
 *
 *   full    10 columns, every one filled: names with commas and non-ASCII
 *           letters, E.164 and (317) 555-4012 phones, e-mail, zip, city,
 *           a number and a timestamp (about 115 bytes a row)
 *   sparse  the same 10 columns, most optional values empty
 *   quoted  quoted fields holding commas, doubled quotes and line breaks
 *   intl    30 % of the names non-ASCII, the rest plain ASCII
 *   phones  phones in every form the checks accept
 *   wide    50 columns of every type
 *   narrow  2 columns: an id and a phone */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const firsts[] = {"Ana",	"Björn", "Chloé", "Dmitri", "Élodie", "Farah",
				     "Gustavo", "Hana",	 "Iñigo", "Józef",  "Kwame",  "Léa"};
static const char *const lasts[] = {"García", "Müller",	  "O'Brien", "Nguyễn", "Søren",
				    "Smith",  "Kowalski", "Dubois",  "Rossi",  "Öztürk"};
static const char *const cities[] = {"São Paulo", "Zürich", "Kraków", "Montréal", "Reykjavík",
				     "Berlin",	  "Austin", "Lyon",   "Osaka",	  "Dublin"};
static const char *const ascii_firsts[] = {"Ana",  "Bob",  "Chris", "Dana", "Eve", "Frank",
					   "Gina", "Hugo", "Ivan",  "Jane", "Kim", "Liam"};
static const char *const ascii_lasts[] = {"Garcia", "Miller", "OBrien", "Nguyen", "Soren",
					  "Smith",  "Kowal",  "Dubois", "Rossi",  "Ozturk"};
static const char *const intl_names[] = {
	"Björn Müller", "Chloé Dubois", "Iñigo García",	  "Józef Kowalski", "Nguyễn Văn An",
	"Søren Ørsted", "Ayşe Öztürk",	"Дмитрий Иванов", "山田 太郎",	    "Zoë Brontë"};
static const char *const notes[] = {
	"called back, left a message", "said \"\"not now\"\", try in May", "line one\nline two",
	"prefers e-mail, not phone",   "VIP, \"\"gold\"\" tier\nsee CRM",  "no answer"};

static unsigned long x = 88172645463325252ul;

static unsigned long next(void)
{
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

/* A phone in one of the forms contact_is_phone accepts. */
static void phone(unsigned long v, int form)
{
	unsigned long a = 200 + v % 800, b = (v >> 10) % 1000, c = (v >> 20) % 10000;
	switch (form % 7) {
	case 0:
		printf("+1%03lu%03lu%04lu", a, b, c);
		break;
	case 1:
		printf("(%03lu) %03lu-%04lu", a, b, c);
		break;
	case 2:
		printf("%03lu-%03lu-%04lu", a, b, c);
		break;
	case 3:
		printf("%03lu.%03lu.%04lu", a, b, c);
		break;
	case 4:
		printf("%03lu %03lu %04lu", a, b, c);
		break;
	case 5:
		printf("+44 20 %04lu %04lu", (v >> 7) % 10000, c);
		break;
	default:
		printf("%03lu%03lu%04lu", a, b, c);
		break;
	}
}

static void timestamp(unsigned long v)
{
	printf("2024-%02lu-%02luT%02lu:%02lu:00Z", 1 + (v >> 29) % 12, 1 + (v >> 33) % 28,
	       (v >> 37) % 24, (v >> 41) % 60);
}

static const char *const full_list =
	"{\"name\": \"bench\", \"columnDefinitions\": [\n"
	"  {\"name\": \"contact_id\", \"required\": true}, {\"name\": \"full_name\"},\n"
	"  {\"name\": \"home_phone\", \"type\": \"phone\"}, {\"name\": \"cell_phone\", \"type\": "
	"\"phone\"},\n"
	"  {\"name\": \"email\", \"type\": \"email\"}, {\"name\": \"zip\"}, {\"name\": \"city\"},\n"
	"  {\"name\": \"balance\", \"type\": \"numeric\"}, {\"name\": \"last_contacted\", "
	"\"type\": \"timestamp\"},\n"
	"  {\"name\": \"status\"}]}\n";
static const char *const full_header =
	"contact_id,full_name,home_phone,cell_phone,email,zip,city,balance,last_contacted,status";

static void full_row(long i, unsigned long v)
{
	const char *f = firsts[v % 12], *l = lasts[(v >> 8) % 10];
	printf("C%09ld,\"%s, %s\",+1%010lu,(%03lu) %03lu-%04lu,%s.%s%ld@ex.io,%05lu,"
	       "%s,%lu.%02lu,2024-%02lu-%02luT%02lu:%02lu:00Z,%s\n",
	       i, l, f, 2000000000ul + v % 7999999999ul, 200 + (v >> 3) % 800, (v >> 13) % 1000,
	       (v >> 23) % 10000, "user", "x", i, (v >> 5) % 100000, cities[(v >> 17) % 10],
	       (v >> 11) % 100000, (v >> 2) % 100, 1 + (v >> 29) % 12, 1 + (v >> 33) % 28,
	       (v >> 37) % 24, (v >> 41) % 60, (v >> 45) % 3 ? "active" : "lapsed");
}

/* The same columns, an id and one or two other values filled. */
static void sparse_row(long i, unsigned long v)
{
	printf("C%09ld,", i);
	printf(v % 4 == 0 ? "%s %s," : ",", ascii_firsts[(v >> 3) % 12],
	       ascii_lasts[(v >> 7) % 10]);
	if (v % 3 == 0)
		phone(v >> 5, (int)(v >> 50));
	printf(",,");
	if (v % 5 == 0)
		printf("u%ld@ex.io", i);
	printf(",,,");
	if (v % 7 == 0)
		printf("%lu.5", (v >> 11) % 1000);
	printf(",,\n");
}

static void quoted_row(long i, unsigned long v)
{
	const char *f = ascii_firsts[v % 12], *l = ascii_lasts[(v >> 8) % 10];
	printf("C%09ld,\"%s, %s\",\"", i, l, f);
	phone(v >> 3, (int)(v >> 40));
	printf("\",\"\",\"%s.%s%ld@ex.io\",\"%05lu\",\"%s\",\"%lu.%02lu\",\"", "user", "x", i,
	       (v >> 5) % 100000, notes[(v >> 17) % 6], (v >> 11) % 100000, (v >> 2) % 100);
	timestamp(v);
	printf("\",\"%s\"\n", (v >> 45) % 3 ? "active" : "lapsed");
}

static void intl_row(long i, unsigned long v)
{
	printf("C%09ld,", i);
	if (v % 10 < 3)
		printf("%s,", intl_names[(v >> 4) % 10]);
	else
		printf("%s %s,", ascii_firsts[(v >> 4) % 12], ascii_lasts[(v >> 9) % 10]);
	phone(v >> 3, 0);
	putchar(',');
	phone(v >> 13, 1);
	printf(",%s%ld@ex.io,%05lu,%s,%lu.%02lu,", v % 10 < 3 ? "jose" : "joe", i,
	       (v >> 5) % 100000, v % 10 < 3 ? cities[(v >> 17) % 5] : cities[5 + (v >> 17) % 5],
	       (v >> 11) % 100000, (v >> 2) % 100);
	timestamp(v);
	printf(",%s\n", (v >> 45) % 3 ? "active" : "lapsed");
}

static void phones_row(long i, unsigned long v)
{
	printf("C%09ld,%s %s,", i, ascii_firsts[v % 12], ascii_lasts[(v >> 8) % 10]);
	phone(v >> 3, (int)i);
	putchar(',');
	phone(v >> 13, (int)i + 3);
	printf(",u%ld@ex.io,%05lu,%s,%lu,", i, (v >> 5) % 100000, cities[5 + (v >> 17) % 5],
	       (v >> 11) % 100000);
	timestamp(v);
	printf(",active\n");
}

/* 50 columns: an id, a name, then 8 each of phone, e-mail, numeric and
 * timestamp, and 16 of text. */
static const char *const wide_types[] = {"phone", "email", "numeric", "timestamp", NULL, NULL};

static void wide_list(void)
{
	printf("{\"name\": \"bench\", \"columnDefinitions\": [\n  {\"name\": \"contact_id\", "
	       "\"required\": true}, {\"name\": \"full_name\"}");
	for (int c = 0; c < 48; c++) {
		const char *t = wide_types[c % 6];
		printf(",\n  {\"name\": \"c%02d\"%s%s%s}", c, t ? ", \"type\": \"" : "", t ? t : "",
		       t ? "\"" : "");
	}
	printf("]}\n");
}

static void wide_header(void)
{
	printf("contact_id,full_name");
	for (int c = 0; c < 48; c++)
		printf(",c%02d", c);
	putchar('\n');
}

static void wide_row(long i, unsigned long v)
{
	printf("C%09ld,%s %s", i, ascii_firsts[v % 12], ascii_lasts[(v >> 8) % 10]);
	for (int c = 0; c < 48; c++) {
		unsigned long w = v >> (c % 20);
		putchar(',');
		switch (c % 6) {
		case 0:
			phone(w, c);
			break;
		case 1:
			printf("u%ld.%d@ex.io", i, c);
			break;
		case 2:
			printf("%lu.%02lu", w % 100000, w % 100);
			break;
		case 3:
			timestamp(v);
			break;
		case 4:
			printf("%05lu", w % 100000);
			break;
		default:
			printf("%s", (w >> 3) % 3 ? "active" : "lapsed");
			break;
		}
	}
	putchar('\n');
}

static const char *const narrow_list =
	"{\"name\": \"bench\", \"columnDefinitions\": [\n"
	"  {\"name\": \"contact_id\", \"required\": true}, {\"name\": \"phone\", \"type\": "
	"\"phone\"}]}\n";

static void narrow_row(long i, unsigned long v)
{
	printf("C%09ld,", i);
	phone(v >> 3, (int)(v >> 50));
	putchar('\n');
}

struct shape {
	const char *name;
	void (*row)(long i, unsigned long v);
};

static const struct shape shapes[] = {
	{"full", full_row},	{"sparse", sparse_row}, {"quoted", quoted_row}, {"intl", intl_row},
	{"phones", phones_row}, {"wide", wide_row},	{"narrow", narrow_row},
};

int main(int argc, char **argv)
{
	const struct shape *s = &shapes[0];
	int arg = 1;
	for (size_t k = 0; argc > 1 && k < sizeof(shapes) / sizeof(shapes[0]); k++)
		if (strcmp(argv[1], shapes[k].name) == 0) {
			s = &shapes[k];
			arg = 2;
		}
	int list = argc > arg && strcmp(argv[arg], "--list") == 0;
	long n = argc > arg && !list ? atol(argv[arg]) : 1000000;
	static char buf[1 << 20];
	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
	int wide = s->row == wide_row, narrow = s->row == narrow_row;
	if (list) {
		if (wide)
			wide_list();
		else
			fputs(narrow ? narrow_list : full_list, stdout);
		return 0;
	}
	if (wide)
		wide_header();
	else
		puts(narrow ? "contact_id,phone" : full_header);
	for (long i = 0; i < n; i++)
		s->row(i, next());
	return 0;
}
