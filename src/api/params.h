/* Query parameter tables of the routes: the dispatcher refuses any other
 * parameter, and the API document lists them. */
#ifndef DIALBOOK_API_PARAMS_H
#define DIALBOOK_API_PARAMS_H

#include "model/field.h"

extern const struct field params_list_listing[];
extern const struct field params_list_get[];
extern const struct field params_list_bulk_delete[];
extern const struct field params_template_listing[];
extern const struct field params_template_bulk_delete[];
extern const struct field params_filter_listing[];
extern const struct field params_contacts_add[];
extern const struct field params_contacts_delete[];
extern const struct field params_export_get[];
extern const struct field params_download[];

#endif
