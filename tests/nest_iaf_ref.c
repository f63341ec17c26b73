/* tests/nest_iaf_ref.c - rebuilds a NEST iaf_psc_* reference scenario from its file header and
 * compares spikegpu's run with NEST's numbers (tests/nest_iaf_ref.h states the rule).
 *
 * The rebuild, node by node (NEST ids are mapped in creation order):
 *   - the neuron: E_L first, then every other parameter passed to nest.Create, V_m last, which is
 *     what NEST's one-call Create does (voltages relative to the new E_L);
 *   - spike_generator: as it is; one whose spike_weights take both signs becomes two generators,
 *     the second with the negative events, their spike_weights negated and a negated connection
 *     weight (the same product), because spikegpu routes a spike to the excitatory or inhibitory
 *     port by the sign of its connection's weight, fixed at connect (docs/models.md §7.5);
 *   - dc_generator: as it is (amplitude, origin, start, stop);
 *   - multimeter: interval and record_from as in NEST; voltmeter: a multimeter with NEST's
 *     voltmeter defaults (interval 1 ms, record_from V_m); spike_recorder as it is.
 * NEST's stop = DBL_MAX ("never") is stop = inf here. Samples are compared by step
 * (round(t / h)); the files hold everything stamped <= simulate_ms. */
/* SPDX-License-Identifier: MIT */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nest_iaf_ref.h"
#include "sg_test.h"
#include "spikegpu.h"

#define MAX_KV 24
#define MAX_NODES 24
#define MAX_CONNS 32
#define MAX_VARS 4

typedef struct kv { char *key, *val; } kv;
typedef struct ref_node { int id; char model[40]; kv kv[MAX_KV]; int n_kv; } ref_node;
typedef struct ref_conn { int source, target, receptor; double weight, delay; } ref_conn;
typedef struct ref_hdr {
  char model[40];
  double h, T;
  int neuron;
  char vars[MAX_VARS][16];
  int n_vars;
  ref_node nodes[MAX_NODES];
  int n_nodes;
  ref_node status, defaults;
  ref_conn conns[MAX_CONNS];
  int n_conns;
} ref_hdr;


static const char *kv_get(const ref_node *n, const char *key) {
  for (int i = 0; i < n->n_kv; ++i)
    if (strcmp(n->kv[i].key, key) == 0) return n->kv[i].val;
  return NULL;
}

/* "true"/"false", a hex or decimal double, "inf"/"-inf" */
static double num(const char *v) {
  if (strcmp(v, "true") == 0) return 1.0;
  if (strcmp(v, "false") == 0) return 0.0;
  return strtod(v, NULL);
}

/* "a;b;c" -> doubles (malloc'd, *n values); "-" -> none */
static double *list(const char *v, size_t *n) {
  *n = 0;
  if (!v || strcmp(v, "-") == 0) return NULL;
  size_t cap = 1;
  for (const char *p = v; *p; ++p) cap += *p == ';';
  double *x = malloc(cap * sizeof *x);
  if (!x) return NULL;
  const char *p = v;
  while (*p) {
    char *end;
    x[(*n)++] = strtod(p, &end);
    p = *end == ';' ? end + 1 : end;
    if (end == p && *p) break;
  }
  return x;
}

/* "key=value key=value ..." of a header line into n (the strings are strdup'ed) */
static void parse_tokens(char *s, ref_node *n) {
  memset(n, 0, sizeof *n);
  char *save = NULL;
  for (char *t = strtok_r(s, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
    char *eq = strchr(t, '=');
    if (!eq) continue;
    *eq = 0;
    if (strcmp(t, "id") == 0) n->id = atoi(eq + 1);
    else if (strcmp(t, "model") == 0) snprintf(n->model, sizeof n->model, "%s", eq + 1);
    else if (n->n_kv < MAX_KV) {
      n->kv[n->n_kv].key = strdup(t);
      n->kv[n->n_kv].val = strdup(eq + 1);
      n->n_kv++;
    }
  }
}

static void node_free(ref_node *n) {
  for (int i = 0; i < n->n_kv; ++i) { free(n->kv[i].key); free(n->kv[i].val); }
  n->n_kv = 0;
}

static void hdr_free(ref_hdr *H) {
  for (int i = 0; i < H->n_nodes; ++i) node_free(&H->nodes[i]);
  node_free(&H->status);
  node_free(&H->defaults);
}

static int starts(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

static int parse_header(const char *file, ref_hdr *H) {
  memset(H, 0, sizeof *H);
  FILE *f = sg_test_open_data(file);
  if (!f) return 1;
  char *line = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, f) > 0) {
    if (line[0] != '#') break;
    char *s = line + (line[1] == ' ' ? 2 : 1);
    if (starts(s, "model: ")) sscanf(s + 7, "%39s", H->model);
    else if (starts(s, "h_ms_hex: ")) H->h = strtod(s + 10, NULL);
    else if (starts(s, "simulate_ms: ")) H->T = strtod(s + 13, NULL);
    else if (starts(s, "neuron_id: ")) H->neuron = atoi(s + 11);
    else if (starts(s, "recordables: ")) {
      char *save = NULL;
      for (char *t = strtok_r(s + 13, ";\n", &save); t && H->n_vars < MAX_VARS; t = strtok_r(NULL, ";\n", &save))
        snprintf(H->vars[H->n_vars++], sizeof H->vars[0], "%s", t);
    } else if (starts(s, "node: ") && H->n_nodes < MAX_NODES) parse_tokens(s + 6, &H->nodes[H->n_nodes++]);
    else if (starts(s, "node_status: ")) parse_tokens(s + 13, &H->status);
    else if (starts(s, "model_defaults: ")) parse_tokens(s + 16, &H->defaults);
    else if (starts(s, "connection: ") && H->n_conns < MAX_CONNS) {
      ref_node c;
      parse_tokens(s + 12, &c);
      ref_conn *rc = &H->conns[H->n_conns++];
      rc->source = atoi(kv_get(&c, "source"));
      rc->target = atoi(kv_get(&c, "target"));
      rc->weight = num(kv_get(&c, "weight"));
      rc->delay = num(kv_get(&c, "delay"));
      rc->receptor = atoi(kv_get(&c, "receptor"));
      node_free(&c);
    }
  }
  free(line);
  fclose(f);
  return !(H->h > 0.0 && H->T > 0.0 && H->neuron > 0 && H->n_vars > 0 && H->n_nodes > 0);
}

static const ref_node *node_of(const ref_hdr *H, int id) {
  for (int i = 0; i < H->n_nodes; ++i)
    if (H->nodes[i].id == id) return &H->nodes[i];
  return NULL;
}

/* ---- the rebuild --------------------------------------------------------------------------- */
typedef struct built {
  sg_sim *sim;
  sg_nodes part[MAX_NODES + 1][2];   /* per NEST id: the node, and the negative half of a split generator */
  int n_part[MAX_NODES + 1];
  uint64_t neuron, mm, vm, sr;
} built;

#define TRY(call)                                                                                  \
  do {                                                                                             \
    if ((call) != SG_OK) {                                                                         \
      fprintf(stderr, "\n  %s: %s: %s\n", file, #call, sg_errmsg(B->sim));                         \
      return 1;                                                                                    \
    }                                                                                              \
  } while (0)

static double stop_of(const ref_node *n) {
  const char *v = kv_get(n, "stop");
  const double s = v ? num(v) : INFINITY;
  return s >= DBL_MAX ? INFINITY : s;
}

static int set_window(built *B, const char *file, sg_nodes x, const ref_node *n) {
  TRY(sg_set(B->sim, x, "origin", num(kv_get(n, "origin"))));
  TRY(sg_set(B->sim, x, "start", num(kv_get(n, "start"))));
  TRY(sg_set(B->sim, x, "stop", stop_of(n)));
  return 0;
}

/* one spike_generator with the events i where (sign of spike_weights[i]) == want_neg */
static int spike_generator(built *B, const char *file, const ref_node *n, int want_neg, sg_nodes *out) {
  size_t nt, nw, nm;
  double *t = list(kv_get(n, "spike_times"), &nt), *w = list(kv_get(n, "spike_weights"), &nw);
  double *m = list(kv_get(n, "spike_multiplicities"), &nm);
  double *tt = malloc((nt + 1) * sizeof *tt), *ww = malloc((nt + 1) * sizeof *ww), *mm = malloc((nt + 1) * sizeof *mm);
  size_t k = 0;
  for (size_t i = 0; i < nt; ++i) {
    if ((nw && w[i] < 0.0) != want_neg) continue;
    tt[k] = t[i];
    ww[k] = nw ? (want_neg ? -w[i] : w[i]) : 1.0;   /* the negative half: its sign moves to the connection */
    mm[k] = nm ? m[i] : 1.0;
    ++k;
  }
  int rc = sg_create(B->sim, "spike_generator", 1, out) != SG_OK ||
           (k && sg_set_vec(B->sim, *out, "spike_times", tt, k) != SG_OK) ||
           (k && nw && sg_set_vec(B->sim, *out, "spike_weights", ww, k) != SG_OK) ||
           (k && nm && sg_set_vec(B->sim, *out, "spike_multiplicities", mm, k) != SG_OK);
  if (rc) fprintf(stderr, "\n  %s: spike_generator %d: %s\n", file, n->id, sg_errmsg(B->sim));
  static const char *const flags[3] = {"allow_offgrid_times", "precise_times", "shift_now_spikes"};
  for (int q = 0; q < 3 && !rc; ++q)
    if (kv_get(n, flags[q])) rc = sg_set(B->sim, *out, flags[q], num(kv_get(n, flags[q]))) != SG_OK;
  if (!rc) rc = set_window(B, file, *out, n);
  free(t); free(w); free(m); free(tt); free(ww); free(mm);
  return rc;
}

static int has_negative_spike_weight(const ref_node *n) {
  size_t nw;
  double *w = list(kv_get(n, "spike_weights"), &nw);
  int neg = 0, pos = 0;
  for (size_t i = 0; i < nw; ++i) { neg |= w[i] < 0.0; pos |= !(w[i] < 0.0); }
  free(w);
  return neg && pos;
}

static int recorder(built *B, const char *file, const ref_node *n, double interval, const char *const *vars, int n_vars,
                    sg_nodes *out) {
  TRY(sg_create(B->sim, "multimeter", 1, out));
  TRY(sg_set(B->sim, *out, "interval", interval));
  TRY(sg_set_strs(B->sim, *out, "record_from", vars, (size_t)n_vars));
  return set_window(B, file, *out, n);
}

static int build(const ref_hdr *H, const char *file, int threads, built *B) {
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.resolution_ms = H->h;
  cfg.backend = SG_BACKEND_CPU;
  cfg.threads = threads;
  cfg.output_dir = NULL;
  cfg.keep_in_memory = 1;
  cfg.verbose = 0;
  char err[512] = "";
  if (sg_sim_new(&cfg, &B->sim, err, sizeof err) != SG_OK) {
    fprintf(stderr, "\n  %s: sg_sim_new: %s\n", file, err);
    return 1;
  }
  for (int q = 0; q < H->n_nodes; ++q) {
    const ref_node *n = &H->nodes[q];
    if (n->id <= 0 || n->id > MAX_NODES) return 1;
    sg_nodes *x = B->part[n->id];
    B->n_part[n->id] = 1;
    if (strcmp(n->model, H->model) == 0) {
      TRY(sg_create(B->sim, n->model, 1, &x[0]));
      if (kv_get(n, "E_L")) TRY(sg_set(B->sim, x[0], "E_L", num(kv_get(n, "E_L"))));
      for (int k = 0; k < n->n_kv; ++k)
        if (strcmp(n->kv[k].key, "E_L") && strcmp(n->kv[k].key, "V_m"))
          TRY(sg_set(B->sim, x[0], n->kv[k].key, num(n->kv[k].val)));
      if (kv_get(n, "V_m")) TRY(sg_set(B->sim, x[0], "V_m", num(kv_get(n, "V_m"))));
      B->neuron = x[0].first;
    } else if (strcmp(n->model, "spike_generator") == 0) {
      if (spike_generator(B, file, n, 0, &x[0])) return 1;
      if (has_negative_spike_weight(n)) {
        if (spike_generator(B, file, n, 1, &x[1])) return 1;
        B->n_part[n->id] = 2;
      }
    } else if (strcmp(n->model, "dc_generator") == 0) {
      TRY(sg_create(B->sim, "dc_generator", 1, &x[0]));
      TRY(sg_set(B->sim, x[0], "amplitude", num(kv_get(n, "amplitude"))));
      if (set_window(B, file, x[0], n)) return 1;
    } else if (strcmp(n->model, "multimeter") == 0) {
      const char *vars[MAX_VARS];
      for (int v = 0; v < H->n_vars; ++v) vars[v] = H->vars[v];
      if (recorder(B, file, n, num(kv_get(n, "interval")), vars, H->n_vars, &x[0])) return 1;
      B->mm = x[0].first;
    } else if (strcmp(n->model, "voltmeter") == 0) {
      const char *vars[1] = {"V_m"};
      if (recorder(B, file, n, num(kv_get(n, "interval")), vars, 1, &x[0])) return 1;
      B->vm = x[0].first;
    } else if (strcmp(n->model, "spike_recorder") == 0) {
      TRY(sg_create(B->sim, "spike_recorder", 1, &x[0]));
      if (set_window(B, file, x[0], n)) return 1;
      B->sr = x[0].first;
    } else {
      fprintf(stderr, "\n  %s: node %d: model %s is not handled\n", file, n->id, n->model);
      return 1;
    }
  }
  for (int q = 0; q < H->n_conns; ++q) {
    const ref_conn *c = &H->conns[q];
    const ref_node *src = node_of(H, c->source);
    if (!src || c->source > MAX_NODES || c->target > MAX_NODES) return 1;
    const int to_neuron = c->target == H->neuron;
    const int device = strcmp(src->model, "multimeter") == 0 || strcmp(src->model, "voltmeter") == 0;
    sg_syn_spec s;
    sg_syn_spec_default(&s);
    if (to_neuron && !device) {   /* generators: NEST's weight, delay and receptor */
      s.weight = sg_scalar(c->weight);
      s.delay = sg_scalar(c->delay);
      s.receptor_type = c->receptor;
    }
    /* recorders take spikegpu's defaults (the delay of a recorder connection plays no role) */
    for (int p = 0; p < B->n_part[c->source]; ++p) {
      if (p == 1) s.weight = sg_scalar(-c->weight);
      TRY(sg_connect(B->sim, B->part[c->source][p], B->part[c->target][0], NULL, &s));
    }
  }
  return !(B->neuron && B->mm && B->sr);
}

/* ---- the tolerance after a non-exact weight's first arrival ------------------------------- */
/* Q31.32 value of a stored event (float32 weight x spike weight), as the ring holds it */
static double stored_event(double w, double sw) {
  return nearbyint((double)(float)w * sw * 0x1p32) * 0x1p-32;
}

/* E (sum of |stored - NEST| over events that differ) and the first sample they can change. */
static void inexact_inputs(const ref_hdr *H, double *E, long *first_step) {
  *E = 0.0;
  *first_step = 0;
  const double h = H->h;
  const long n_steps = lround(H->T / h);
  for (int q = 0; q < H->n_conns; ++q) {
    const ref_conn *c = &H->conns[q];
    const ref_node *src = node_of(H, c->source);
    if (c->target != H->neuron || !src || strcmp(src->model, "spike_generator")) continue;
    size_t nt, nw, nm;
    double *t = list(kv_get(src, "spike_times"), &nt), *w = list(kv_get(src, "spike_weights"), &nw);
    double *m = list(kv_get(src, "spike_multiplicities"), &nm);
    const double o = num(kv_get(src, "origin"));
    const long t_min = lround((o + num(kv_get(src, "start"))) / h);
    const double stop = stop_of(src);
    const long t_max = isinf(stop) ? LONG_MAX : lround((o + stop) / h);
    const long D = lround(c->delay / h);
    for (size_t i = 0; i < nt; ++i) {
      const double sw = nw ? w[i] : 1.0, mult = nm ? m[i] : 1.0;
      const long S = lround((o + t[i]) / h);
      const double e = fabs(stored_event(c->weight, sw) - c->weight * sw) * mult;
      if (!(t_min < S && S <= t_max) || S + D > n_steps || e == 0.0) continue;
      *E += e;
      if (*first_step == 0 || S + D < *first_step) *first_step = S + D;
    }
    free(t); free(w); free(m);
  }
}

/* G of recordable `var` (see the header) from the neuron's parameters */
static double gain_of(sg_sim *sim, uint64_t nrn, const char *model, const char *var) {
  if (strcmp(var, "V_m") != 0 || strcmp(model, "iaf_psc_delta") == 0) return 1.0;
  double C_m = 1.0, ex = 0.0, in = 0.0;
  sg_get(sim, nrn, "C_m", &C_m);
  sg_get(sim, nrn, "tau_syn_ex", &ex);
  sg_get(sim, nrn, "tau_syn_in", &in);
  const double tau = ex > in ? ex : in;
  return (strcmp(model, "iaf_psc_alpha") == 0 ? 2.718281828459045 : 1.0) * tau / C_m;
}

/* ---- the comparison ------------------------------------------------------------------------- */
typedef struct series { double *v; long n; } series;   /* v[s - 1] = the sample of step s */

static int get_series(sg_sim *sim, uint64_t mm, const char *var, uint64_t sender, double h, long every, series *x) {
  size_t n = 0, got = 0;
  memset(x, 0, sizeof *x);
  if (sg_samples(sim, mm, var, NULL, NULL, NULL, 0, &n) != SG_OK) return 1;
  double *t = malloc((n + 1) * sizeof *t), *v = malloc((n + 1) * sizeof *v);
  uint64_t *s = malloc((n + 1) * sizeof *s);
  long last = 0;
  int rc = !t || !v || !s || sg_samples(sim, mm, var, t, s, v, n, &got) != SG_OK;
  for (size_t j = 0; !rc && j < got && j < n; ++j)
    if (s[j] == sender && lround(t[j] / h) > last) last = lround(t[j] / h);
  x->v = rc ? NULL : malloc(((size_t)last + 1) * sizeof(double));
  for (long k = 0; x->v && k <= last; ++k) x->v[k] = NAN;
  for (size_t j = 0; x->v && j < got && j < n; ++j) {
    const long st = lround(t[j] / h);
    if (s[j] == sender && st >= 1 && st % every == 0) x->v[st - 1] = v[j];
  }
  x->n = x->v ? last : 0;
  free(t); free(v); free(s);
  return rc || !x->v;
}

typedef struct rule { long first_tol; double E, gain[MAX_VARS], slack[MAX_VARS]; } rule;

static void check_value(sg_nest_iaf_result *r, const rule *R, const char *file, const char *var, int q, long step,
                        double got, double want) {
  r->values++;
  const int exact = R->first_tol == 0 || step < R->first_tol;
  int ok;
  if (exact) {
    r->exact++;
    ok = memcmp(&got, &want, sizeof got) == 0;
  } else {
    const double tol = R->E * R->gain[q] + R->slack[q], d = fabs(got - want);
    ok = d <= tol;
    if (d > r->max_dev) r->max_dev = d;
    if (q < 4 && d > r->max_dev_var[q]) r->max_dev_var[q] = d;
    if (d / tol > r->max_ratio) r->max_ratio = d / tol;
  }
  if (!ok) {
    if (r->bad < 5)
      fprintf(stderr, "\n  %s step %ld %s: %a (%.17g), NEST %a (%.17g)%s", file, step, var, got, got, want, want,
              exact ? " [exact]" : " [tolerance]");
    r->bad++;
  }
}

/* every row of a multimeter-style file (time_hex, sender, values...) against the series */
static void compare_rows(const char *file, const ref_hdr *H, uint64_t gid, series *x, const char *const *vars, int n_vars,
                         int *col, const rule *R, sg_nest_iaf_result *r) {
  FILE *f = sg_test_open_data(file);
  if (!f) { r->bad++; return; }
  char *line = NULL;
  size_t cap = 0;
  long rows = 0;
  while (getline(&line, &cap, f) > 0) {
    if (line[0] == '#') continue;
    char *save = NULL, *tok = strtok_r(line, ",\n", &save);
    const long step = lround(strtod(tok, NULL) / H->h);
    tok = strtok_r(NULL, ",\n", &save);
    if (!tok || atoi(tok) != H->neuron) continue;
    double vals[MAX_VARS];
    int nv = 0;
    while (nv < MAX_VARS && (tok = strtok_r(NULL, ",\n", &save))) vals[nv++] = strtod(tok, NULL);
    ++rows;
    for (int q = 0; q < n_vars; ++q) {
      if (step < 1 || step > x[q].n || col[q] >= nv) {
        fprintf(stderr, "\n  %s: no spikegpu sample of %s at step %ld", file, vars[q], step);
        r->bad++;
        continue;
      }
      check_value(r, R, file, vars[q], q, step, x[q].v[step - 1], vals[col[q]]);
    }
  }
  (void)gid;
  free(line);
  fclose(f);
  if (rows == 0) r->bad++;
}

/* neuron parameters after the rebuild == NEST's GetStatus, and defaults == NEST's GetDefaults */
static long compare_status(const ref_hdr *H, const char *file, sg_sim *sim, uint64_t nrn) {
  long bad = 0;
  const ref_node *lines[2] = {&H->status, &H->defaults};
  sg_sim *fresh = NULL;
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.backend = SG_BACKEND_CPU;
  cfg.verbose = 0;
  cfg.resolution_ms = H->h;
  char err[256];
  sg_nodes d;
  if (sg_sim_new(&cfg, &fresh, err, sizeof err) != SG_OK || sg_create(fresh, H->model, 1, &d) != SG_OK) {
    sg_sim_free(fresh);
    return 1;
  }
  for (int l = 0; l < 2; ++l) {
    sg_sim *s = l ? fresh : sim;
    const uint64_t id = l ? d.first : nrn;
    if (lines[l]->n_kv == 0) ++bad;
    for (int k = 0; k < lines[l]->n_kv; ++k) {
      double got = NAN;
      const double want = num(lines[l]->kv[k].val);
      if (sg_get(s, id, lines[l]->kv[k].key, &got) != SG_OK || memcmp(&got, &want, sizeof got) != 0) {
        fprintf(stderr, "\n  %s: %s %s = %.17g, NEST %.17g", file, l ? "default" : "status", lines[l]->kv[k].key, got, want);
        ++bad;
      }
    }
  }
  sg_sim_free(fresh);
  return bad;
}

static int spike_steps(sg_sim *sim, uint64_t sr, uint64_t sender, double h, long **out, long *n_out) {
  size_t n = 0, got = 0;
  *out = NULL;
  *n_out = 0;
  if (sg_spikes(sim, sr, NULL, NULL, 0, &n) != SG_OK) return 1;
  double *t = malloc((n + 1) * sizeof *t);
  uint64_t *s = malloc((n + 1) * sizeof *s);
  *out = malloc((n + 1) * sizeof **out);
  int rc = !t || !s || !*out || sg_spikes(sim, sr, t, s, n, &got) != SG_OK;
  for (size_t j = 0; !rc && j < got && j < n; ++j)
    if (s[j] == sender) (*out)[(*n_out)++] = lround(t[j] / h);
  free(t);
  free(s);
  return rc;
}

int sg_nest_iaf_run(const char *base, int threads, sg_nest_iaf_result *r) {
  memset(r, 0, sizeof *r);
  char file[256];
  snprintf(file, sizeof file, "%s.csv", base);
  ref_hdr H;
  built B;
  memset(&B, 0, sizeof B);
  series x[MAX_VARS], vmx;
  memset(x, 0, sizeof x);
  memset(&vmx, 0, sizeof vmx);
  long *got_sp = NULL, n_got = 0;
  if (parse_header(file, &H)) {
    fprintf(stderr, "\n  %s: incomplete header\n", file);
    hdr_free(&H);
    return 1;
  }
  if (build(&H, file, threads, &B)) {
    fprintf(stderr, "\n  %s: rebuild failed\n", file);
    goto done;
  }
  r->bad_status = compare_status(&H, file, B.sim, B.neuron);   /* NEST's GetStatus was before Simulate */
  if (sg_simulate(B.sim, H.T) != SG_OK) {
    fprintf(stderr, "\n  %s: sg_simulate: %s\n", file, sg_errmsg(B.sim));
    goto done;
  }
  r->built = 1;

  /* the rule: exact before the first arrival of a non-exact input, then E G + slack */
  rule R;
  memset(&R, 0, sizeof R);
  inexact_inputs(&H, &R.E, &R.first_tol);
  r->first_tol_step = R.first_tol;
  double tau = 0.0, v;
  static const char *const taus[3] = {"tau_m", "tau_syn_ex", "tau_syn_in"};
  for (int k = 0; k < 3; ++k)
    if (sg_get(B.sim, B.neuron, taus[k], &v) == SG_OK && v > tau) tau = v;
  const char *vars[MAX_VARS];
  int col[MAX_VARS];
  for (int q = 0; q < H.n_vars; ++q) {
    vars[q] = H.vars[q];
    col[q] = q;
    R.gain[q] = gain_of(B.sim, B.neuron, H.model, vars[q]);
    if (get_series(B.sim, B.mm, vars[q], B.neuron, H.h, 1, &x[q])) { r->bad++; goto done; }
    double scale = 1.0;
    for (long k = 0; k < x[q].n; ++k)
      if (fabs(x[q].v[k]) > scale) scale = fabs(x[q].v[k]);
    R.slack[q] = 8.0 * ldexp(1.0, ilogb(scale) - 52) * (1.0 + tau / H.h);
  }
  compare_rows(file, &H, B.neuron, x, vars, H.n_vars, col, &R, r);

  /* voltmeter (dc scenarios): samples every 1 ms */
  if (B.vm) {
    char vfile[272];
    snprintf(vfile, sizeof vfile, "%s_vm.csv", base);
    const long every = lround(1.0 / H.h);
    int vcol[1] = {0}, qv = -1;
    for (int q = 0; q < H.n_vars; ++q)
      if (strcmp(vars[q], "V_m") == 0) qv = q;
    rule RV = R;
    if (qv >= 0) { RV.gain[0] = R.gain[qv]; RV.slack[0] = R.slack[qv]; }
    const char *vv[1] = {"V_m"};
    if (get_series(B.sim, B.vm, "V_m", B.neuron, H.h, every, &vmx)) { r->bad++; goto done; }
    const long before = r->values;
    compare_rows(vfile, &H, B.neuron, &vmx, vv, 1, vcol, &RV, r);
    if (r->values - before != lround(H.T)) {   /* one sample per ms, 1 ... T */
      fprintf(stderr, "\n  %s: %ld voltmeter samples, expected %ld", vfile, r->values - before, lround(H.T));
      r->bad++;
    }
  }

  /* spikes */
  {
    char sfile[272];
    snprintf(sfile, sizeof sfile, "%s_spikes.csv", base);
    FILE *f = sg_test_open_data(sfile);
    long ref[4096];
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
      int nn;
      long st;
      if (line[0] != '#' && sscanf(line, "%d,%ld", &nn, &st) == 2 && nn == H.neuron && r->spikes_ref < 4096) ref[r->spikes_ref++] = st;
    }
    if (f) fclose(f);
    if (spike_steps(B.sim, B.sr, B.neuron, H.h, &got_sp, &n_got)) { r->bad++; goto done; }
    r->spikes = n_got;
    long agree = 0;
    while (agree < n_got && agree < r->spikes_ref && got_sp[agree] == ref[agree]) ++agree;
    r->spikes_same = f != NULL && n_got == r->spikes_ref && agree == n_got;
    if (!r->spikes_same)
      fprintf(stderr, "\n  %s: %ld spikes, NEST %ld, first difference at index %ld", sfile, n_got, r->spikes_ref, agree);
  }
done:
  for (int q = 0; q < MAX_VARS; ++q) free(x[q].v);
  free(vmx.v);
  free(got_sp);
  sg_sim_free(B.sim);
  hdr_free(&H);
  return !(r->built && r->bad == 0 && r->bad_status == 0 && r->spikes_same);
}

void sg_nest_iaf_check(const char *scenario, int expect_exact) {
  static const char *const hs[2] = {"0.1", "0.01"};
  const char *verbose = getenv("SG_IAF_VERBOSE");
  for (int k = 0; k < 2; ++k)
    for (int threads = 1; threads <= 2; ++threads) {
      char base[128];
      snprintf(base, sizeof base, "%s_h%s", scenario, hs[k]);
      sg_nest_iaf_result r;
      const int rc = sg_nest_iaf_run(base, threads, &r);
      if (verbose && *verbose && strcmp(verbose, "0"))
        fprintf(stderr, "\n  %s, %d thread(s): %ld values (%ld bit for bit, tolerance from step %ld: max |diff| %.3g %.3g %.3g, "
                        "%.3g of the bound), %ld bad, %ld/%ld spikes %s",
                base, threads, r.values, r.exact, r.first_tol_step, r.max_dev_var[0], r.max_dev_var[1], r.max_dev_var[2],
                r.max_ratio, r.bad, r.spikes, r.spikes_ref, r.spikes_same ? "identical" : "DIFFERENT");
      CU_ASSERT_EQUAL(rc, 0);
      CU_ASSERT(r.built);
      CU_ASSERT(r.values > 0);
      CU_ASSERT_EQUAL(r.bad, 0);
      CU_ASSERT_EQUAL(r.bad_status, 0);
      CU_ASSERT(r.spikes_same);
      CU_ASSERT(r.spikes_ref > 0);
      if (expect_exact) {
        CU_ASSERT_EQUAL(r.exact, r.values);
      } else {
        CU_ASSERT(r.first_tol_step > 0 && r.exact < r.values);
      }
    }
}

void sg_nest_iaf_defaults(const char *model, double *p, size_t n) {
  const sg_entry_info *e = NULL;
  size_t ne = 0, k = 0;
  if (sg_model_info(model, &e, &ne) != SG_OK) return;
  for (size_t i = 0; i < ne && k < n; ++i)
    if (e[i].kind == SG_ENTRY_PARAM) p[k++] = e[i].def;
}

sg_status sg_nest_iaf_connect(sg_sim *sim, sg_nodes pre, sg_nodes post, double w, double d, int receptor) {
  sg_syn_spec s;
  sg_syn_spec_default(&s);
  s.weight = sg_scalar(w);
  s.delay = sg_scalar(d);
  s.receptor_type = receptor;
  return sg_connect(sim, pre, post, NULL, &s);
}
