/* Writes N contact rows as CSV to stdout: an id, names with commas and
 * non-ASCII letters, two phone columns, an e-mail, zip, city, a number and
 * a timestamp (about 115 bytes a row). Deterministic for a given N. */
#include <stdio.h>
#include <stdlib.h>

static const char *const firsts[] = {"Ana",	"Björn", "Chloé", "Dmitri", "Élodie", "Farah",
				     "Gustavo", "Hana",	 "Iñigo", "Józef",  "Kwame",  "Léa"};
static const char *const lasts[] = {"García", "Müller",	  "O'Brien", "Nguyễn", "Søren",
				    "Smith",  "Kowalski", "Dubois",  "Rossi",  "Öztürk"};
static const char *const cities[] = {"São Paulo", "Zürich", "Kraków", "Montréal", "Reykjavík",
				     "Berlin",	  "Austin", "Lyon",   "Osaka",	  "Dublin"};

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	static char buf[1 << 20];
	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
	puts("contact_id,full_name,home_phone,cell_phone,email,zip,city,balance,last_contacted,"
	     "status");
	unsigned long x = 88172645463325252ul;
	for (long i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		const char *f = firsts[x % 12], *l = lasts[(x >> 8) % 10];
		printf("C%09ld,\"%s, %s\",+1%010lu,(%03lu) %03lu-%04lu,%s.%s%ld@ex.io,%05lu,"
		       "%s,%lu.%02lu,2024-%02lu-%02luT%02lu:%02lu:00Z,%s\n",
		       i, l, f, 2000000000ul + x % 7999999999ul, 200 + (x >> 3) % 800,
		       (x >> 13) % 1000, (x >> 23) % 10000, "user", "x", i, (x >> 5) % 100000,
		       cities[(x >> 17) % 10], (x >> 11) % 100000, (x >> 2) % 100,
		       1 + (x >> 29) % 12, 1 + (x >> 33) % 28, (x >> 37) % 24, (x >> 41) % 60,
		       (x >> 45) % 3 ? "active" : "lapsed");
	}
	return 0;
}
