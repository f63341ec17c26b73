/* examples/model_docs - prints every model's parameter table and its recordables as Markdown,
 * from the model tables themselves (sg_model_info, sg_model_recordables), so the README's model
 * reference cannot drift.
 *   build/examples/model_docs            prints the tables
 *   make docs                            rewrites the README section between the markers */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "spikegpu.h"

static const char *kind_name(sg_entry_kind k) {
  switch (k) {
  case SG_ENTRY_PARAM: return "parameter";
  case SG_ENTRY_VECTOR: return "vector";
  case SG_ENTRY_STATE: return "state";
  default: return "recordable";
  }
}

int main(void) {
  for (size_t m = 0; m < sg_model_count(); ++m) {
    const char *name = sg_model_name(m);
    const sg_entry_info *e;
    size_t n;
    if (sg_model_info(name, &e, &n) != SG_OK) return 1;
    printf("#### `%s` (%s)\n\n", name, sg_model_kind(name));
    char rec[1024];
    size_t len = 0;
    if (sg_model_recordables(name, rec, sizeof rec, &len) != SG_OK) return 1;
    if (strcmp(sg_model_kind(name), "neuron") == 0) {
      printf("Recordables (a multimeter's `record_from`): ");
      if (len == 0) printf("none.\n\n");
      for (char *p = rec, *c; len && p; p = c ? c + 1 : NULL) {
        if ((c = strchr(p, ','))) *c = 0;
        printf("`%s`%s", p, c ? ", " : ".\n\n");
      }
    }
    if (n == 0) { printf("No parameters.\n\n"); continue; }
    printf("| name | kind | unit | default | allowed | meaning |\n|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < n; ++i) {
      char def[64];
      if (e[i].kind == SG_ENTRY_VECTOR) {
        size_t k = (size_t)snprintf(def, sizeof def, "[");
        for (size_t j = 0; j < e[i].def_len && k < sizeof def - 16; ++j)
          k += (size_t)snprintf(def + k, sizeof def - k, "%s%g", j ? ", " : "", e[i].def_vec[j]);
        snprintf(def + k, sizeof def - k, "]");
      }
      else if (isinf(e[i].def)) snprintf(def, sizeof def, "%sinf", e[i].def < 0 ? "-" : "");
      else snprintf(def, sizeof def, "%g", e[i].def);
      printf("| `%s` | %s | %s | %s | %s | %s |\n", e[i].name, kind_name(e[i].kind), e[i].unit, def,
             e[i].kind == SG_ENTRY_STATE ? "" : e[i].allowed, e[i].doc);
    }
    printf("\n");
  }
  return 0;
}
