/* tests/test_glif_cond.c - glif_cond model unit tests: the header's check, prepare and step
 * driven directly (no engine). Oracles: an independent RKF45/NEST-update reimplementation
 * below (written from docs/models.md §2.5-§2.9 with glibc pow), and NEST 3.10 numbers from
 * tests/data/ (README.md there) (T2, T5 replayed step by step, M11, M13). */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_test.h"
#include "sg/models/glif_cond.h"

#ifndef M_E
#  define M_E 2.71828182845904523536   /* e, as NEST's numerics::e */
#endif

/* ---- a single node driven by hand ------------------------------------------------------------ */
typedef struct gnode {
  double p[SG_GLIF_COND_N_PARAMS];
  double vbuf[SG_GLIF_COND_N_VECS][16];
  const double *v[SG_GLIF_COND_N_VECS];
  size_t len[SG_GLIF_COND_N_VECS];
  sg_glif_cond_coef c;
  double st[SG_GLIF_COND_N_STATE][16];    /* one node: component c of a row at [row][c]   */
  sg_view view;
  int64_t slot[SG_GLIF_MAX_REC + 1];
  sg_step_ctx ctx;
  double h;
  int64_t tps;
} gnode;

static int64_t fx(double w) { return (int64_t)llround(ldexp(w, 32)); }

static void g_defaults(gnode *g) {
  memset(g, 0, sizeof *g);
#define X(name, unit, def, chk, doc) g->p[SG_GLIF_COND_P_##name] = def;
  SG_GLIF_COND_PARAMS(X)
#undef X
  for (uint32_t k = 0; k < SG_GLIF_COND_N_VECS; ++k) {
    const double *d;
    g->len[k] = sg_glif_cond_vec_default_values(k, &d);
    memcpy(g->vbuf[k], d, g->len[k] * sizeof(double));
    g->v[k] = g->vbuf[k];
  }
}

static void g_set_vec(gnode *g, uint32_t k, const double *v, size_t n) {
  memcpy(g->vbuf[k], v, n * sizeof(double));
  g->len[k] = n;
}

static void g_level(gnode *g, int R, int ASC, int A) {
  g->p[SG_GLIF_COND_P_spike_dependent_threshold] = R;
  g->p[SG_GLIF_COND_P_after_spike_currents] = ASC;
  g->p[SG_GLIF_COND_P_adapting_threshold] = A;
}

/* Values the compiler cannot see: keeps gcc from folding exp() of constants at compile time
 * (correctly rounded, MPFR) where the library computes it at run time (glibc, as NEST). */
static double opaque(double x) {
  volatile double v = x;
  return v;
}
static double rt_exp(double x) { return exp(opaque(x)); }

/* prepare + the initial state of a fresh node (what the descriptor's init_state does) */
static void g_start(gnode *g, double h) {
  char msg[512];
  h = opaque(h);
  for (uint32_t k = 0; k < SG_GLIF_COND_N_PARAMS; ++k) g->p[k] = opaque(g->p[k]);
  for (uint32_t k = 0; k < SG_GLIF_COND_N_VECS; ++k)
    for (size_t j = 0; j < g->len[k]; ++j) g->vbuf[k][j] = opaque(g->vbuf[k][j]);
  g->h = h;
  g->tps = llround(h * 1000.0);
  if (sg_glif_cond_check(g->p, g->v, g->len, msg, sizeof msg)) {
    fprintf(stderr, "\n  unexpected check failure: %s\n", msg);
    CU_FAIL("check");
  }
  sg_glif_cond_prepare_arrays(g->p, g->v, g->len, h, g->tps, &g->c);
  memset(g->st, 0, sizeof g->st);
  for (uint32_t r = 0; r < SG_GLIF_COND_N_STATE; ++r) g->view.s[r] = g->st[r];
  g->st[SG_GLIF_COND_S_threshold][0] = g->c.th_inf;
  g->ctx.n = 1;
  g->ctx.first_id = 1;
  g->ctx.fed_ports = ~(uint64_t)0;
}

/* One update; spk[r] = spike input of receptor r+1 (nS, weight x multiplicity), cur (pA). */
static uint32_t g_step(gnode *g, const double *spk, double cur) {
  for (uint32_t r = 0; r < g->c.n_rec; ++r) g->slot[r] = spk ? fx(spk[r]) : 0;
  g->slot[g->c.n_rec] = fx(cur);
  const uint32_t s = sg_glif_cond_step(&g->c, &g->view, 0, g->slot, &g->ctx);
  for (uint32_t r = 0; r <= g->c.n_rec; ++r) CU_ASSERT_EQUAL(g->slot[r], 0);   /* read and cleared */
  g->ctx.step++;
  return s;
}

static double g_V(const gnode *g) { return g->st[SG_GLIF_COND_S_V_m][0] + g->c.E_L; }

/* ---- validation ---------------------------------------------------------------------------- */
static void expect_error(gnode *g, const char *what) {
  char msg[512] = "";
  const int r = sg_glif_cond_check(g->p, g->v, g->len, msg, sizeof msg);
  CU_ASSERT_EQUAL(r, 1);
  if (r != 1 || !strstr(msg, what)) fprintf(stderr, "\n  expected an error naming '%s', got %d '%s'\n", what, r, msg);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, what));
}
static void expect_ok(gnode *g) {
  char msg[512] = "";
  const int r = sg_glif_cond_check(g->p, g->v, g->len, msg, sizeof msg);
  if (r) fprintf(stderr, "\n  unexpected error: %s\n", msg);
  CU_ASSERT_EQUAL(r, 0);
}

static void test_glif_cond_validation(void) {
  gnode g;
  /* the five levels pass, the three other combinations fail */
  for (int m = 0; m < 8; ++m) {
    g_defaults(&g);
    const int R = m & 1, ASC = (m >> 1) & 1, A = (m >> 2) & 1;
    g_level(&g, R, ASC, A);
    if (A && !(R && ASC)) expect_error(&g, "mechanism combination");
    else expect_ok(&g);
  }
  g_defaults(&g); g.p[SG_GLIF_COND_P_V_reset] = -51.68; expect_error(&g, "V_reset");
  g_defaults(&g); g.p[SG_GLIF_COND_P_V_reset] = -40.0; expect_error(&g, "V_th");
  g_defaults(&g); g.p[SG_GLIF_COND_P_C_m] = 0.0; expect_error(&g, "C_m = 0");
  g_defaults(&g); g.p[SG_GLIF_COND_P_C_m] = -1.0; expect_error(&g, "C_m");
  g_defaults(&g); g.p[SG_GLIF_COND_P_g_m] = 0.0; expect_error(&g, "g_m = 0");
  g_defaults(&g); g.p[SG_GLIF_COND_P_t_ref] = 0.0; expect_error(&g, "t_ref = 0");
  g_defaults(&g); g.p[SG_GLIF_COND_P_t_ref] = -2.0; expect_error(&g, "t_ref");
  /* R-only checks */
  g_defaults(&g); g.p[SG_GLIF_COND_P_th_spike_decay] = 0.0; expect_ok(&g);
  g_level(&g, 1, 0, 0); expect_error(&g, "th_spike_decay = 0");
  g_defaults(&g); g.p[SG_GLIF_COND_P_voltage_reset_fraction] = 1.5; expect_ok(&g);
  g_level(&g, 1, 0, 0); expect_error(&g, "voltage_reset_fraction = 1.5");
  g.p[SG_GLIF_COND_P_voltage_reset_fraction] = -0.1; expect_error(&g, "voltage_reset_fraction");
  g.p[SG_GLIF_COND_P_voltage_reset_fraction] = 1.0; expect_ok(&g);
  g.p[SG_GLIF_COND_P_voltage_reset_fraction] = 0.0; expect_ok(&g);
  /* ASC-only checks */
  const double three[3] = {0.1, 0.2, 0.3}, bad_decay[2] = {0.003, 0.0}, bad_r[2] = {1.0, 1.5}, neg_r[2] = {-0.5, 1.0};
  g_defaults(&g); g_set_vec(&g, SG_GLIF_COND_V_asc_amps, three, 3); expect_ok(&g);
  g_level(&g, 0, 1, 0); expect_error(&g, "same size");
  g_defaults(&g); g_level(&g, 0, 1, 0); g_set_vec(&g, SG_GLIF_COND_V_asc_init, three, 3); expect_error(&g, "asc_init (3)");
  g_defaults(&g); g_level(&g, 0, 1, 0); g_set_vec(&g, SG_GLIF_COND_V_asc_r, three, 3); expect_error(&g, "asc_r (3)");
  g_defaults(&g); g_level(&g, 1, 1, 0); g_set_vec(&g, SG_GLIF_COND_V_asc_decay, three, 3); expect_error(&g, "asc_decay (3)");
  g_defaults(&g); g_set_vec(&g, SG_GLIF_COND_V_asc_decay, bad_decay, 2); expect_ok(&g);
  g_level(&g, 0, 1, 0); expect_error(&g, "asc_decay[1] = 0");
  g_defaults(&g); g_level(&g, 1, 1, 0); g_set_vec(&g, SG_GLIF_COND_V_asc_r, bad_r, 2); expect_error(&g, "asc_r[1] = 1.5");
  g_defaults(&g); g_level(&g, 1, 1, 1); g_set_vec(&g, SG_GLIF_COND_V_asc_r, neg_r, 2); expect_error(&g, "asc_r[0] = -0.5");
  /* A-only check */
  g_defaults(&g); g.p[SG_GLIF_COND_P_th_voltage_decay] = -0.09; expect_ok(&g);
  g_level(&g, 1, 1, 1); expect_error(&g, "th_voltage_decay = -0.09");
  /* receptors */
  const double one[1] = {1.0}, taus[3] = {0.5, 0.0, 2.0}, nine[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  g_defaults(&g); g_set_vec(&g, SG_GLIF_COND_V_E_rev, one, 1); expect_error(&g, "E_rev (1) and tau_syn (2)");
  /* sg_set_vec sets one vector at a time: a longer E_rev is the transition state of a
   * receptor-count change (documented), a shorter one an error */
  g_defaults(&g); g_set_vec(&g, SG_GLIF_COND_V_tau_syn, one, 1); expect_ok(&g);
  g_defaults(&g); g_set_vec(&g, SG_GLIF_COND_V_E_rev, taus, 3); g_set_vec(&g, SG_GLIF_COND_V_tau_syn, taus, 3);
  expect_error(&g, "tau_syn[1] = 0");
  g_defaults(&g); g_set_vec(&g, SG_GLIF_COND_V_E_rev, nine, 9); g_set_vec(&g, SG_GLIF_COND_V_tau_syn, nine, 9);
  expect_error(&g, "at most 8");
  g_defaults(&g); g_set_vec(&g, SG_GLIF_COND_V_asc_decay, nine, 9); expect_error(&g, "at most 8");
  g_defaults(&g); g_set_vec(&g, SG_GLIF_COND_V_E_rev, nine, 0); g_set_vec(&g, SG_GLIF_COND_V_tau_syn, nine, 0);
  expect_ok(&g);   /* no receptors at all is allowed, as in NEST */
}

/* ---- prepare: NEST's pre-run constants and the refractory rounding --------------------------- */
static void test_glif_cond_prepare(void) {
  gnode g;
  const double hs[3] = {0.1, 0.05, 0.01};
  const double steps[3] = {38, 75, 375};
  for (int k = 0; k < 3; ++k) {
    g_defaults(&g);
    g_level(&g, 1, 1, 1);
    g_start(&g, hs[k]);
    SG_ASSERT_DBL_EXACT(g.c.refr_steps, steps[k]);
    const double h = hs[k];
    SG_ASSERT_DBL_EXACT(g.c.ts_decay, rt_exp(-0.009 * h));
    SG_ASSERT_DBL_EXACT(g.c.ts_refr_decay, rt_exp(-0.009 * 3.75));
    SG_ASSERT_DBL_EXACT(g.c.asc_decay[1], rt_exp(-0.1 * h));
    SG_ASSERT_DBL_EXACT(g.c.asc_coeff[0], ((1.0 / 0.003) / h) * (1.0 - rt_exp(-0.003 * h)));
    SG_ASSERT_DBL_EXACT(g.c.asc_refr[1], 1.0 * rt_exp(-0.1 * 3.75));
    SG_ASSERT_DBL_EXACT(g.c.pot_decay, rt_exp(-9.43 * h / 58.72));
    SG_ASSERT_DBL_EXACT(g.c.tv_decay_inv, 1 / rt_exp(0.09 * h));
    SG_ASSERT_DBL_EXACT(g.c.phi, 0.005 / (0.09 - 9.43 / 58.72));
    SG_ASSERT_DBL_EXACT(g.c.ab_ratio, 0.005 / 0.09);
    SG_ASSERT_DBL_EXACT(g.c.jump[0], 1.0 * M_E / 0.2);
    SG_ASSERT_DBL_EXACT(g.c.th_inf, -51.68 - (-78.85));
    SG_ASSERT_DBL_EXACT(g.c.V_reset, 0.0);
    CU_ASSERT_EQUAL(g.c.n_rec, 2);
    CU_ASSERT_EQUAL(g.c.n_asc, 2);
  }
  /* a held V after each spike: exactly N_ref samples (GLIF1 driven hard, h = 0.1) */
  g_defaults(&g);
  g_start(&g, 0.1);
  long last = -1, held = 0, n_spikes = 0;
  double V_reset_seen = 0.0;
  for (long k = 0; k < 2000; ++k) {
    const uint32_t s = g_step(&g, NULL, 2000.0);
    if (s) {
      if (last >= 0) CU_ASSERT_EQUAL(held, 38);
      last = k; held = 0; ++n_spikes;
      V_reset_seen = g_V(&g);
    } else if (last >= 0 && g_V(&g) == V_reset_seen) {
      ++held;
    }
  }
  CU_ASSERT(n_spikes > 10);
  SG_ASSERT_DBL_EXACT(V_reset_seen, -78.85);
  /* refractory steps of odd times: nearest tic, then up to whole steps */
  g_defaults(&g); g.p[SG_GLIF_COND_P_t_ref] = 0.0004; g_start(&g, 0.1); SG_ASSERT_DBL_EXACT(g.c.refr_steps, 0.0);
  g_defaults(&g); g.p[SG_GLIF_COND_P_t_ref] = 0.0005; g_start(&g, 0.1); SG_ASSERT_DBL_EXACT(g.c.refr_steps, 1.0);
  g_defaults(&g); g.p[SG_GLIF_COND_P_t_ref] = 0.1; g_start(&g, 0.1); SG_ASSERT_DBL_EXACT(g.c.refr_steps, 1.0);
  g_defaults(&g); g.p[SG_GLIF_COND_P_t_ref] = 0.101; g_start(&g, 0.1); SG_ASSERT_DBL_EXACT(g.c.refr_steps, 2.0);
}

/* ---- an independent reimplementation (plain C, libm pow) of NEST's update -------------------- */
/* Fehlberg tableau as GSL's rkf45.c defines it, as rows of literals. */
static const double RB[6][5] = {
  {0},
  {1.0 / 4.0},
  {3.0 / 32.0, 9.0 / 32.0},
  {1932.0 / 2197.0, -7200.0 / 2197.0, 7296.0 / 2197.0},
  {8341.0 / 4104.0, -32832.0 / 4104.0, 29440.0 / 4104.0, -845.0 / 4104.0},
  {-6080.0 / 20520.0, 41040.0 / 20520.0, -28352.0 / 20520.0, 9295.0 / 20520.0, -5643.0 / 20520.0}};
static const double RC[6] = {902880.0 / 7618050.0, 0.0, 3953664.0 / 7618050.0, 3855735.0 / 7618050.0,
                             -1371249.0 / 7618050.0, 277020.0 / 7618050.0};
static const double RE[6] = {1.0 / 360.0, 0.0, -128.0 / 4275.0, -2197.0 / 75240.0, 1.0 / 50.0, 2.0 / 55.0};

typedef struct ref_neuron {
  /* parameters (relative voltages) */
  double G, E_L, C_m, th_inf, V_reset, f_v, V_add, dth_s, a_v;
  int R, ASC, A, nr, na, N_ref;
  double tau[SG_GLIF_MAX_REC], E_rev[SG_GLIF_MAX_REC], amps[SG_GLIF_MAX_ASC];
  /* pre-run constants */
  double th_s_dec, th_s_ref, k_dec[SG_GLIF_MAX_ASC], k_mean[SG_GLIF_MAX_ASC], k_ref[SG_GLIF_MAX_ASC];
  double pdec, tvdec, phi, ab, jump[SG_GLIF_MAX_REC], h;
  /* state */
  double y[SG_GLIF_MAX_DIM], th, th_s, th_v, Iasc[SG_GLIF_MAX_ASC], asc_sum, I, hs;
  int refr;
  long rejected, substeps;
  /* the controller's pow: sg_pow (correctly rounded) to check the step bit for bit, or glibc's
   * pow (what NEST calls) to measure where the two disagree */
  double (*pw)(double, double);
  long pow_calls, pow_glibc_diff;   /* calls, and calls where glibc pow != sg_pow */
} ref_neuron;

static double ref_pow(ref_neuron *n, double x, double y) {
  const double a = n->pw(x, y);
  ++n->pow_calls;
  if (pow(x, y) != sg_pow(x, y)) ++n->pow_glibc_diff;
  return a;
}
static double sg_pow_fn(double x, double y) { return sg_pow(x, y); }
static double glibc_pow_fn(double x, double y) { return pow(x, y); }

static void ref_f(const ref_neuron *n, const double *y, double *f) {
  const int d = 1 + 2 * n->nr;
  for (int q = 0; q < d; ++q) f[q] = 0.0;
  if (n->refr == 0) {
    double isyn = 0.0;
    for (int r = 0; r < n->nr; ++r) isyn += y[2 + 2 * r] * (y[0] + n->E_L - n->E_rev[r]);
    f[0] = (-(n->G * y[0]) - isyn + n->I + n->asc_sum) / n->C_m;
  }
  for (int r = 0; r < n->nr; ++r) {
    f[1 + 2 * r] = -y[1 + 2 * r] / n->tau[r];
    f[2 + 2 * r] = y[1 + 2 * r] - y[2 + 2 * r] / n->tau[r];
  }
}

/* one RKF45 trial of size H from y0 (slope k[0]); new state into y, error into e */
static void ref_rkf45(const ref_neuron *n, double H, const double *y0, double k[6][SG_GLIF_MAX_DIM],
                      double *y, double *e) {
  const int d = 1 + 2 * n->nr;
  double yt[SG_GLIF_MAX_DIM];
  for (int s = 1; s < 6; ++s) {
    for (int q = 0; q < d; ++q) {
      if (s == 1) { yt[q] = y0[q] + RB[1][0] * H * k[0][q]; continue; }   /* GSL: y + (a h) k1 */
      double acc = RB[s][0] * k[0][q];
      for (int j = 1; j < s; ++j) acc += RB[s][j] * k[j][q];
      yt[q] = y0[q] + H * acc;
    }
    ref_f(n, yt, k[s]);
  }
  for (int q = 0; q < d; ++q) {
    double acc = RC[0] * k[0][q], err = RE[0] * k[0][q];
    for (int j = 2; j < 6; ++j) { acc += RC[j] * k[j][q]; err += RE[j] * k[j][q]; }
    y[q] = y0[q] + H * acc;
    e[q] = H * err;
  }
}

/* gsl_odeiv_evolve_apply as libgsl 2.7.1 runs it, then NEST's while (t < h) loop */
static void ref_integrate(ref_neuron *n) {
  const int d = 1 + 2 * n->nr;
  double t = 0.0;
  while (t < n->h) {
    double k[6][SG_GLIF_MAX_DIM], y0[SG_GLIF_MAX_DIM], e[SG_GLIF_MAX_DIM];
    memcpy(y0, n->y, sizeof y0);
    ref_f(n, y0, k[0]);
    const double dt = n->h - t;
    double hh = n->hs;
    for (;;) {
      const int last = hh > dt;
      if (last) hh = dt;
      ref_rkf45(n, hh, y0, k, n->y, e);
      ++n->substeps;
      const double tn = last ? n->h : t + hh;
      double emax = 2.2250738585072014e-308;
      for (int q = 0; q < d; ++q) emax = fmax(emax, fabs(e[q]) / 1e-3);
      double proposal = hh;
      if (emax > 1.1) {
        proposal = hh * fmax(0.9 / ref_pow(n, emax, 1.0 / 5), 0.2);
        if (proposal < hh && tn + proposal != tn) {
          memcpy(n->y, y0, sizeof y0);
          hh = proposal;
          ++n->rejected;
          continue;
        }
        proposal = hh;
      } else if (emax < 0.5) {
        proposal = hh * fmax(fmin(0.9 / ref_pow(n, emax, 1.0 / 6), 5.0), 1.0);
      }
      n->hs = proposal;
      t = tn;
      break;
    }
  }
}

static int ref_update(ref_neuron *n, const double *spk, double cur) {
  const double v_old = n->y[0];
  int spike = 0;
  ref_integrate(n);
  if (n->refr == 0) {
    if (n->R) n->th_s *= n->th_s_dec;
    n->asc_sum = 0.0;
    for (int j = 0; j < (n->ASC ? n->na : 0); ++j) {
      n->asc_sum += n->k_mean[j] * n->Iasc[j];
      n->Iasc[j] *= n->k_dec[j];
    }
    if (n->A) {
      const double beta = (n->I + n->asc_sum) / n->G, x = n->phi * (v_old - beta);
      n->th_v = x * n->pdec + n->tvdec * (n->th_v - x - n->ab * beta) + n->ab * beta;
    }
    n->th = n->th_s + n->th_v + n->th_inf;
    if (n->y[0] > n->th) {
      spike = 1;
      n->refr = n->N_ref;
      for (int j = 0; j < (n->ASC ? n->na : 0); ++j) n->Iasc[j] = n->amps[j] + n->Iasc[j] * n->k_ref[j];
      if (n->R) {
        n->y[0] = n->f_v * v_old + n->V_add;
        n->th_s = n->th_s * n->th_s_ref + n->dth_s;
        n->th = n->th_s + n->th_v + n->th_inf;
      } else {
        n->y[0] = n->V_reset;
      }
    }
  } else {
    n->refr -= 1;
    n->y[0] = v_old;
    n->th = n->th_s + n->th_v + n->th_inf;
  }
  for (int r = 0; r < n->nr; ++r) n->y[1 + 2 * r] += spk[r] * n->jump[r];
  n->I = cur;
  return spike;
}

/* builds the reference from the same parameters, independently of sg_glif_cond_prepare_arrays */
static void ref_init(ref_neuron *n, const gnode *g, double h) {
  h = opaque(h);
  memset(n, 0, sizeof *n);
  n->pw = sg_pow_fn;
  const double *p = g->p;
  n->h = h;
  n->hs = h;
  n->G = p[SG_GLIF_COND_P_g_m];
  n->E_L = p[SG_GLIF_COND_P_E_L];
  n->C_m = p[SG_GLIF_COND_P_C_m];
  n->th_inf = p[SG_GLIF_COND_P_V_th] - n->E_L;
  n->V_reset = p[SG_GLIF_COND_P_V_reset] - n->E_L;
  n->f_v = p[SG_GLIF_COND_P_voltage_reset_fraction];
  n->V_add = p[SG_GLIF_COND_P_voltage_reset_add];
  n->dth_s = p[SG_GLIF_COND_P_th_spike_add];
  n->R = p[SG_GLIF_COND_P_spike_dependent_threshold] != 0.0;
  n->ASC = p[SG_GLIF_COND_P_after_spike_currents] != 0.0;
  n->A = p[SG_GLIF_COND_P_adapting_threshold] != 0.0;
  const double t_ref = p[SG_GLIF_COND_P_t_ref];
  const long tics = (long)floor(t_ref * 1000.0 + 0.5), tps = lround(h * 1000.0);
  n->N_ref = (int)((tics + tps - 1) / tps);
  const double bs = p[SG_GLIF_COND_P_th_spike_decay];
  n->th_s_dec = exp(-bs * h);
  n->th_s_ref = exp(-bs * t_ref);
  n->na = (int)g->len[SG_GLIF_COND_V_asc_decay];
  for (int j = 0; j < n->na; ++j) {
    const double kk = g->v[SG_GLIF_COND_V_asc_decay][j];
    n->k_dec[j] = exp(-kk * h);
    n->k_mean[j] = ((1.0 / kk) / h) * (1.0 - n->k_dec[j]);
    n->k_ref[j] = g->v[SG_GLIF_COND_V_asc_r][j] * exp(-kk * t_ref);
    n->amps[j] = g->v[SG_GLIF_COND_V_asc_amps][j];
  }
  const double av = p[SG_GLIF_COND_P_th_voltage_index], bv = p[SG_GLIF_COND_P_th_voltage_decay];
  n->pdec = exp(-n->G * h / n->C_m);
  n->tvdec = 1 / exp(bv * h);
  n->phi = av / (bv - n->G / n->C_m);
  n->ab = av / bv;
  n->nr = (int)g->len[SG_GLIF_COND_V_tau_syn];
  for (int r = 0; r < n->nr; ++r) {
    n->tau[r] = g->v[SG_GLIF_COND_V_tau_syn][r];
    n->E_rev[r] = g->v[SG_GLIF_COND_V_E_rev][r];
    n->jump[r] = 1.0 * M_E / n->tau[r];
  }
  n->th = n->th_inf;
}

/* compares every state variable of the step function with the reference, bit for bit */
static int same_state(const gnode *g, const ref_neuron *n) {
  double *const *s = g->view.s;
  int ok = s[SG_GLIF_COND_S_V_m][0] == n->y[0] && s[SG_GLIF_COND_S_threshold][0] == n->th &&
           s[SG_GLIF_COND_S_threshold_spike][0] == n->th_s && s[SG_GLIF_COND_S_threshold_voltage][0] == n->th_v &&
           s[SG_GLIF_COND_S_ASCurrents_sum][0] == n->asc_sum && s[SG_GLIF_COND_S_I][0] == n->I &&
           s[SG_GLIF_COND_S_integration_step][0] == n->hs && s[SG_GLIF_COND_S_refractory_steps][0] == (double)n->refr;
  for (int r = 0; r < n->nr; ++r)
    ok = ok && s[SG_GLIF_COND_S_dg][r] == n->y[1 + 2 * r] && s[SG_GLIF_COND_S_g][r] == n->y[2 + 2 * r];
  for (int j = 0; j < (n->ASC ? n->na : 0); ++j) ok = ok && s[SG_GLIF_COND_S_ASCurrents][j] == n->Iasc[j];
  return ok;
}

/* a driven neuron: current steps, a burst of spikes on every receptor (some large, so the
 * controller rejects steps), long enough for several spikes and refractory periods */
static void drive_and_compare(gnode *g, double h, long n_steps, long *rejected, long *spikes) {
  ref_neuron n;
  g_start(g, h);
  ref_init(&n, g, h);
  const int nr = (int)g->c.n_rec;
  long first_bad = -1;
  for (long k = 0; k < n_steps; ++k) {
    double spk[SG_GLIF_MAX_REC] = {0};
    const double t = (double)k * h;
    for (int r = 0; r < nr; ++r) {
      if (k % (37 + 11 * r) == 5) spk[r] = 3.0 + 2.0 * r;
      if (k == 400 + 50 * r) spk[r] = 60.0;        /* large: forces rejected trial steps */
      if (k == 900 && r == nr - 1) spk[r] = -25.0;  /* negative conductance */
    }
    const double cur = t < 20.0 ? 0.0 : t < 60.0 ? 350.0 : t < 90.0 ? -100.0 : 600.0;
    const int s_ref = ref_update(&n, spk, cur);
    const uint32_t s_sg = g_step(g, spk, cur);
    *spikes += s_ref;
    if (first_bad < 0 && ((int)s_sg != s_ref || !same_state(g, &n))) first_bad = k;
  }
  if (first_bad >= 0) fprintf(stderr, "\n  step function and reference differ from step %ld (h %g, %d receptors)\n", first_bad, h, nr);
  CU_ASSERT_EQUAL(first_bad, -1);
  *rejected += n.rejected;
}

static void test_glif_cond_rkf45_vs_reference(void) {
  long rejected = 0, spikes = 0;
  gnode g;
  const double hs[3] = {0.1, 0.05, 0.25};
  for (int lvl = 0; lvl < 5; ++lvl) {
    static const int F[5][3] = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0}, {1, 1, 1}};
    for (int k = 0; k < 3; ++k) {
      g_defaults(&g);
      g_level(&g, F[lvl][0], F[lvl][1], F[lvl][2]);
      drive_and_compare(&g, hs[k], lround(150.0 / hs[k]), &rejected, &spikes);
    }
  }
  /* other receptor counts (the generic, not unrolled, path) and odd parameters */
  const double tau1[1] = {1.0}, erev1[1] = {-85.0};
  const double tau3[3] = {0.3, 1.5, 7.0}, erev3[3] = {0.0, -70.0, -90.0};
  const double tau8[8] = {0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8}, erev8[8] = {0, -10, -20, -30, -40, -50, -60, -70};
  const double asc3[3] = {0.05, 0.5, 0.01}, amps3[3] = {-5.0, 20.0, -50.0}, r3[3] = {0.5, 1.0, 0.0}, init3[3] = {1, 2, 3};
  g_defaults(&g); g_set_vec(&g, SG_GLIF_COND_V_tau_syn, tau1, 1); g_set_vec(&g, SG_GLIF_COND_V_E_rev, erev1, 1);
  g_level(&g, 1, 1, 1); drive_and_compare(&g, 0.1, 1500, &rejected, &spikes);
  g_defaults(&g); g_set_vec(&g, SG_GLIF_COND_V_tau_syn, tau3, 3); g_set_vec(&g, SG_GLIF_COND_V_E_rev, erev3, 3);
  g_set_vec(&g, SG_GLIF_COND_V_asc_decay, asc3, 3); g_set_vec(&g, SG_GLIF_COND_V_asc_amps, amps3, 3);
  g_set_vec(&g, SG_GLIF_COND_V_asc_r, r3, 3); g_set_vec(&g, SG_GLIF_COND_V_asc_init, init3, 3);
  g.p[SG_GLIF_COND_P_t_ref] = 1.234; g.p[SG_GLIF_COND_P_E_L] = -70.0;
  g_level(&g, 1, 1, 0); drive_and_compare(&g, 0.1, 1500, &rejected, &spikes);
  g_defaults(&g); g_set_vec(&g, SG_GLIF_COND_V_tau_syn, tau8, 8); g_set_vec(&g, SG_GLIF_COND_V_E_rev, erev8, 8);
  g_level(&g, 0, 1, 0); drive_and_compare(&g, 0.05, 3000, &rejected, &spikes);
  g_defaults(&g); g_set_vec(&g, SG_GLIF_COND_V_tau_syn, tau8, 0); g_set_vec(&g, SG_GLIF_COND_V_E_rev, erev8, 0);
  drive_and_compare(&g, 0.1, 1500, &rejected, &spikes);
  /* the comparison must have exercised the controller's reject branch and the reset paths */
  CU_ASSERT(rejected > 50);
  CU_ASSERT(spikes > 100);
}

/* random states, inputs and carried step sizes: one step's integration (many rejected trials,
 * several sub-steps per step, refractory) against the reference's evolve loop */
static double xorshift01(uint64_t *x) {
  *x ^= *x << 13;
  *x ^= *x >> 7;
  *x ^= *x << 17;
  return (double)(*x >> 11) * 0x1p-53;
}

static void test_glif_cond_integrate_random(void) {
  uint64_t x = 88172645463325252ull;
#define RND() xorshift01(&x)
  long bad = 0, rejected = 0, substeps = 0, total = 0, glibc_differs = 0, unexplained = 0, pow_calls = 0, pow_diff = 0;
  double max_dev = 0.0;
  for (int nr = 0; nr <= SG_GLIF_MAX_REC; ++nr) {
    gnode g;
    double tau[SG_GLIF_MAX_REC], erev[SG_GLIF_MAX_REC];
    for (int r = 0; r < nr; ++r) { tau[r] = 0.05 + 5.0 * RND(); erev[r] = -100.0 + 100.0 * RND(); }
    g_defaults(&g);
    g_set_vec(&g, SG_GLIF_COND_V_tau_syn, tau, (size_t)nr);
    g_set_vec(&g, SG_GLIF_COND_V_E_rev, erev, (size_t)nr);
    const double h = (const double[]){0.1, 0.05, 0.01, 0.25, 1.0}[nr % 5];
    g_start(&g, h);
    ref_neuron n;
    ref_init(&n, &g, h);
    for (int it = 0; it < 3000; ++it) {
      double y[SG_GLIF_MAX_DIM] = {0};
      for (int d = 0; d < 1 + 2 * nr; ++d) y[d] = (RND() - 0.5) * (d ? 100.0 * RND() : 60.0);
      const double hs = RND() < 0.2 ? h : h * 3.0 * RND() + 1e-6;
      n.refr = RND() < 0.3;
      n.I = (RND() - 0.3) * 1000.0;
      n.asc_sum = (RND() - 0.7) * 300.0;
      /* NEST's arithmetic with glibc's pow, for the record */
      ref_neuron ng = n;
      ng.pw = glibc_pow_fn;
      ng.pow_glibc_diff = 0;
      memcpy(ng.y, y, sizeof y);
      ng.hs = hs;
      ref_integrate(&ng);
      /* the same with sg_pow: must be the step's bits */
      memcpy(n.y, y, sizeof y);
      n.hs = hs;
      ref_integrate(&n);
      double hm = hs;
      const int fail = sg_glif_cond_integrate(&g.c, (uint32_t)nr, n.refr, n.I, n.asc_sum, y, &hm);
      ++total;
      const size_t bytes = sizeof(double) * (size_t)(1 + 2 * nr);
      if (fail || memcmp(y, n.y, bytes) || hm != n.hs) ++bad;
      if (memcmp(y, ng.y, bytes) || hm != ng.hs) {
        ++glibc_differs;
        if (ng.pow_glibc_diff == 0) ++unexplained;   /* only a pow rounding may separate them */
        for (int d = 0; d < 1 + 2 * nr; ++d) max_dev = fmax(max_dev, fabs(y[d] - ng.y[d]));
      }
    }
    pow_calls += n.pow_calls;
    pow_diff += n.pow_glibc_diff;
    rejected += n.rejected;
    substeps += n.substeps;
  }
#undef RND
  if (bad) fprintf(stderr, "\n  %ld of %ld random integrations differ from the reference\n", bad, total);
  CU_ASSERT_EQUAL(bad, 0);
  /* with glibc's pow (NEST): differences only where glibc misrounds pow (sg_pow is correctly
   * rounded, glibc's about 0.52 ulp); reported, not a failure */
  printf("\n    glibc pow != sg_pow in %ld of %ld controller calls; %ld of %ld integrations differ from the "
         "glibc-pow version by at most %.3g\n   ", pow_diff, pow_calls, glibc_differs, total, max_dev);
  CU_ASSERT_EQUAL(unexplained, 0);
  CU_ASSERT(rejected > 1000);
  CU_ASSERT(substeps > 2 * total);
}

/* ---- rest: no input, V stays exactly at E_L ------------------------------------------------ */
static void test_glif_cond_rest(void) {
  static const int F[5][3] = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0}, {1, 1, 1}};
  for (int lvl = 0; lvl < 5; ++lvl) {
    gnode g;
    g_defaults(&g);
    g_level(&g, F[lvl][0], F[lvl][1], F[lvl][2]);
    g_start(&g, 0.1);
    int ok = 1;
    for (long k = 0; k < 20000; ++k) {
      CU_ASSERT_EQUAL(g_step(&g, NULL, 0.0), 0);
      ok = ok && g.st[SG_GLIF_COND_S_V_m][0] == 0.0 && g_V(&g) == -78.85 &&
           g.st[SG_GLIF_COND_S_threshold][0] + g.c.E_L == -51.68;
    }
    CU_ASSERT(ok);
    SG_ASSERT_DBL_EXACT(g.st[SG_GLIF_COND_S_ASCurrents_sum][0], 0.0);
    SG_ASSERT_DBL_EXACT(g.st[SG_GLIF_COND_S_threshold_voltage][0], 0.0);
    SG_ASSERT_DBL_EXACT(g.st[SG_GLIF_COND_S_integration_step][0], 0.5);   /* grew to 5 h */
  }
}

/* ---- non-finite or absurd states end the step (NaN V) instead of hanging the solver --------- */
static void test_glif_cond_no_hang(void) {
  const double cases[3][3] = {{INFINITY, 0.0, 0.0}, {0.0, 1e308, 0.0}, {0.0, 1e200, 1e200}};
  for (int q = 0; q < 3; ++q) {
    gnode g;
    g_defaults(&g);
    g_start(&g, 0.1);
    g.st[SG_GLIF_COND_S_V_m][0] = cases[q][0];
    g.st[SG_GLIF_COND_S_dg][0] = cases[q][1];
    g.st[SG_GLIF_COND_S_g][0] = cases[q][2];
    g_step(&g, NULL, 0.0);
    CU_ASSERT(isnan(g.st[SG_GLIF_COND_S_V_m][0]));
    g_step(&g, NULL, 0.0);   /* and stays a cheap NaN sink */
    CU_ASSERT(isnan(g.st[SG_GLIF_COND_S_V_m][0]));
  }
}

/* ---- reading tests/data ------------------------------------------------------------------- */

/* timing_micro.csv: the values of record (id, case, quantity); returns the count (<= cap) */
static size_t micro_values(const char *id, const char *cas, const char *qty, double *out, size_t cap) {
  FILE *f = sg_test_open_data("timing_micro.csv");
  if (!f) return 0;
  static char line[1 << 20];
  size_t n = 0;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#') continue;
    char *save = NULL, *tok = strtok_r(line, ",\n", &save);
    if (!tok || strcmp(tok, id)) continue;
    tok = strtok_r(NULL, ",\n", &save);
    if (!tok || strcmp(tok, cas)) continue;
    tok = strtok_r(NULL, ",\n", &save);
    if (!tok || strcmp(tok, qty)) continue;
    tok = strtok_r(NULL, ",\n", &save);   /* count */
    while ((tok = strtok_r(NULL, ",\n", &save)) && n < cap) out[n++] = strtod(tok, NULL);
    break;
  }
  fclose(f);
  return n;
}

/* ---- M11: GLIF2 driven by 1000 pA: reset value, hold, spike steps (timing_micro.csv) --------- */
static void test_glif_cond_M11_reset(void) {
  const double hs[3] = {0.1, 0.05, 0.01};
  const char *cases[3] = {"h=0.1", "h=0.05", "h=0.01"};
  const double holds[3] = {38, 75, 375};
  for (int q = 0; q < 3; ++q) {
    const double h = hs[q];
    double sp_ref[64], vprev_ref[8], vreset_ref[8], hold_ref[8], ts_ref[2];
    const size_t nsp = micro_values("M11", cases[q], "spike_times", sp_ref, 64);
    const size_t nv = micro_values("M11", cases[q], "V_reset", vreset_ref, 8);
    CU_ASSERT(micro_values("M11", cases[q], "V_prev", vprev_ref, 8) == nv);
    CU_ASSERT(micro_values("M11", cases[q], "hold_samples", hold_ref, 8) == nv);
    CU_ASSERT(micro_values("M11", cases[q], "threshold_spike_after_first", ts_ref, 2) == 1);
    CU_ASSERT(nsp >= 4 && nv == 4);
    gnode g;
    g_defaults(&g);
    g_level(&g, 1, 0, 0);
    g_start(&g, h);
    /* step_current_generator amplitude 1000 at time h, delay h: slots 1, 2, ... carry 1000 pA */
    const long n_steps = lround(20.0 / h);
    long spike_steps[64], n_spikes = 0;
    double V_at[64] = {0}, Vprev_at[64] = {0}, ts_first = 0.0;
    long hold[64] = {0};
    int formula_ok = 1;
    for (long k = 0; k < n_steps; ++k) {
      const double Vp = g_V(&g), v_old = g.st[SG_GLIF_COND_S_V_m][0];
      const uint32_t s = g_step(&g, NULL, k >= 1 ? 1000.0 : 0.0);
      if (s && n_spikes < 64) {
        if (n_spikes == 0) ts_first = g.st[SG_GLIF_COND_S_threshold_spike][0];
        spike_steps[n_spikes] = k + 1;
        Vprev_at[n_spikes] = Vp;
        V_at[n_spikes] = g_V(&g);
        /* reset V = E_L + 0.2 (V_prev - E_L) + 18.51, in NEST's relative arithmetic */
        formula_ok = formula_ok && g.st[SG_GLIF_COND_S_V_m][0] == 0.2 * v_old + 18.51;
        ++n_spikes;
      } else if (n_spikes > 0 && g_V(&g) == V_at[n_spikes - 1] && hold[n_spikes - 1] == k - spike_steps[n_spikes - 1]) {
        ++hold[n_spikes - 1];
      }
    }
    CU_ASSERT(formula_ok);
    CU_ASSERT_EQUAL((size_t)n_spikes, nsp);
    for (size_t j = 0; j < nsp && j < (size_t)n_spikes; ++j) CU_ASSERT_EQUAL(spike_steps[j], lround(sp_ref[j] / h));
    for (size_t j = 0; j < nv && j < (size_t)n_spikes; ++j) {
      SG_ASSERT_DBL_EXACT(Vprev_at[j], vprev_ref[j]);
      SG_ASSERT_DBL_EXACT(V_at[j], vreset_ref[j]);
      CU_ASSERT_DOUBLE_EQUAL(V_at[j], -78.85 + 0.2 * (Vprev_at[j] + 78.85) + 18.51, 1e-12);
      CU_ASSERT_EQUAL(hold[j], (long)hold_ref[j]);
      CU_ASSERT_EQUAL(hold[j], (long)holds[q]);
    }
    SG_ASSERT_DBL_EXACT(ts_first, ts_ref[0]);
    SG_ASSERT_DBL_EXACT(ts_first, 0.37);
    if (q == 0 && n_spikes > 0) {   /* the NEST 3.10 numbers of T6 M11 */
      SG_ASSERT_DBL_EXACT(Vprev_at[0], -52.228812820172806);
      SG_ASSERT_DBL_EXACT(V_at[0], -55.01576256403456);
      const long first4[4] = {21, 62, 104, 146};
      for (int j = 0; j < 4 && j < n_spikes; ++j) CU_ASSERT_EQUAL(spike_steps[j], first4[j]);
    }
  }
}

/* ---- M13: GLIF3 with ASCurrents = [3, 4] at creation: the ASC mean and its one-step lag ----- */
static void test_glif_cond_M13_asc(void) {
  double t[32], asc[32], V[32];
  const size_t n = micro_values("M13", "-", "trace_t", t, 32);
  CU_ASSERT(micro_values("M13", "-", "trace_ASCurrents_sum", asc, 32) == n);
  CU_ASSERT(micro_values("M13", "-", "trace_V_m", V, 32) == n);
  CU_ASSERT(n == 20);
  gnode g;
  g_defaults(&g);
  g_level(&g, 0, 1, 0);
  g_start(&g, 0.1);
  g.st[SG_GLIF_COND_S_ASCurrents][0] = 3.0;   /* set as state, as in NEST (ASCurrents_sum stays 0) */
  g.st[SG_GLIF_COND_S_ASCurrents][1] = 4.0;
  for (size_t k = 0; k < n; ++k) {
    g_step(&g, NULL, 0.0);
    SG_ASSERT_DBL_EXACT(g.st[SG_GLIF_COND_S_ASCurrents_sum][0], asc[k]);
    SG_ASSERT_DBL_EXACT(g_V(&g), V[k]);
  }
  /* the md's rounded numbers */
  CU_ASSERT_DOUBLE_EQUAL(asc[0], 6.97961655, 5e-9);
  CU_ASSERT_DOUBLE_EQUAL(asc[1], 6.93911449, 5e-9);
  CU_ASSERT_DOUBLE_EQUAL(asc[2], 6.89900676, 5e-9);
  CU_ASSERT_DOUBLE_EQUAL(asc[3], 6.85928942, 5e-9);
  SG_ASSERT_DBL_EXACT(V[0], -78.85);
  CU_ASSERT_DOUBLE_EQUAL(V[1], -78.83820867, 5e-9);
}

/* ---- T2: multiplicity 2 on the single receptor (tau 1, E_rev -85) --------------------------- */
static void test_glif_cond_T2_multiplicity(void) {
  const double tau[1] = {1.0}, erev[1] = {-85.0};
  for (int variant = 0; variant < 2; ++variant) {
    gnode g;
    g_defaults(&g);
    g_set_vec(&g, SG_GLIF_COND_V_tau_syn, tau, 1);
    g_set_vec(&g, SG_GLIF_COND_V_E_rev, erev, 1);
    g_start(&g, 0.1);
    /* spike stamp 50 (5.0 ms), delay 1.0 ms = 10 steps: slot 50 - 1 + 10 = 59 */
    for (long k = 0; k < 80; ++k) {
      if (k == 59) {
        /* variant 0: one event of multiplicity 2; variant 1: two events of weight 1 */
        g.slot[0] = variant == 0 ? (int64_t)2 << 32 : ((int64_t)1 << 32) + ((int64_t)1 << 32);
        g.slot[1] = 0;
        sg_glif_cond_step(&g.c, &g.view, 0, g.slot, &g.ctx);
        g.ctx.step++;
      } else {
        g_step(&g, NULL, 0.0);
      }
    }
    SG_ASSERT_DBL_EXACT(g_V(&g), -79.13559410046145);
    SG_ASSERT_DBL_EXACT(g.st[SG_GLIF_COND_S_g][0], 1.4715178236154975);
    SG_ASSERT_DBL_EXACT(g.st[SG_GLIF_COND_S_dg][0], 0.7357588678930136);
    CU_ASSERT_DOUBLE_EQUAL(g.st[SG_GLIF_COND_S_g][0], 1.47151782, 5e-9);
  }
}

/* ---- T5 replayed through the step function (no engine): every sample row, every spike ------- */
static const char *const T5_VARS[8] = {"V_m", "I", "g_1", "g_2", "threshold", "threshold_spike",
                                       "threshold_voltage", "ASCurrents_sum"};

static void t5_replay(double h, const char *tag) {
  char name[128];
  const long n_steps = lround(400.0 / h);
  /* inputs by slot (NEST 3.10 scenario T5; generator timing of docs/timing.md §7.2, §7.4) */
  double *cur = calloc((size_t)n_steps + 4, sizeof(double));
  double *e1 = calloc((size_t)n_steps + 4, sizeof(double)), *e2 = calloc((size_t)n_steps + 4, sizeof(double));
  const long amp_step[3] = {lround(5.0 / h), lround(150.0 / h), lround(250.0 / h)};
  const double amp[3] = {300.0, 150.0, 500.0};
  for (long j = 1; j < lround(350.0 / h); ++j)   /* stamps 1 .. t_max-1, delay 1 step: slot j */
    for (int q = 0; q < 3; ++q) if (amp_step[q] <= j) cur[j] = amp[q];
  const double et[5] = {2.0, 60.0, 60.0, 200.3, 370.0}, ew[5] = {10, 20, 5, 30, 15};
  const double it[4] = {3.0, 100.0, 201.0, 380.0}, iw[4] = {10, 40, 20, 25};
  for (int q = 0; q < 5; ++q) e1[lround(et[q] / h)] += ew[q];        /* delay h: slot S   */
  for (int q = 0; q < 4; ++q) e2[lround(it[q] / h) + 1] += iw[q];    /* delay 2h: slot S+1 */

  /* reference rows: step,time_ms,neuron,8 values */
  snprintf(name, sizeof name, "glif_cond_T5_h%s.csv", tag);
  FILE *f = sg_test_open_data(name);
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  size_t cap = 4096, nrows = 0;
  typedef struct { long step; int neuron; double v[8]; } row_t;
  row_t *rows = malloc(cap * sizeof *rows);
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#') continue;
    row_t r; double t;
    if (sscanf(line, "%ld,%lf,%d,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", &r.step, &t, &r.neuron, &r.v[0], &r.v[1], &r.v[2],
               &r.v[3], &r.v[4], &r.v[5], &r.v[6], &r.v[7]) != 11) continue;
    if (nrows == cap) {
      row_t *more = realloc(rows, (cap *= 2) * sizeof *rows);
      CU_ASSERT_PTR_NOT_NULL_FATAL(more);
      rows = more;
    }
    rows[nrows++] = r;
  }
  fclose(f);
  CU_ASSERT(nrows > 1000);
  snprintf(name, sizeof name, "glif_cond_T5_h%s_spikes.csv", tag);
  f = sg_test_open_data(name);
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  long sp[5][64];
  int nsp[5] = {0};
  while (fgets(line, sizeof line, f)) {
    int nn; long st;
    if (line[0] != '#' && sscanf(line, "%d,%ld", &nn, &st) == 2 && nn >= 1 && nn <= 5 && nsp[nn - 1] < 64) sp[nn - 1][nsp[nn - 1]++] = st;
  }
  fclose(f);

  static const int F[5][3] = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0}, {1, 1, 1}};
  long row_mismatch = 0, checked = 0;
  for (int lvl = 0; lvl < 5; ++lvl) {
    gnode g;
    g_defaults(&g);
    g_level(&g, F[lvl][0], F[lvl][1], F[lvl][2]);
    g_start(&g, h);
    int n_spk = 0, spikes_ok = 1;
    size_t ri = 0;
    for (long k = 0; k < n_steps; ++k) {
      const double spk[2] = {e1[k], e2[k]};
      if (g_step(&g, spk, cur[k])) {
        spikes_ok = spikes_ok && n_spk < nsp[lvl] && sp[lvl][n_spk] == k + 1;
        ++n_spk;
      }
      const long sample = k + 1;
      while (ri < nrows && rows[ri].step < sample) ++ri;
      for (size_t rj = ri; rj < nrows && rows[rj].step == sample; ++rj) {
        if (rows[rj].neuron != lvl + 1) continue;
        const double mine[8] = {g_V(&g), g.st[SG_GLIF_COND_S_I][0], g.st[SG_GLIF_COND_S_g][0], g.st[SG_GLIF_COND_S_g][1],
                                g.st[SG_GLIF_COND_S_threshold][0] + g.c.E_L, g.st[SG_GLIF_COND_S_threshold_spike][0],
                                g.st[SG_GLIF_COND_S_threshold_voltage][0], g.st[SG_GLIF_COND_S_ASCurrents_sum][0]};
        ++checked;
        for (int q = 0; q < 8; ++q)
          if (mine[q] != rows[rj].v[q]) {
            if (row_mismatch < 5)
              fprintf(stderr, "\n  T5 h=%s level %d sample %ld %s: %.17g, NEST %.17g", tag, lvl + 1, sample, T5_VARS[q], mine[q], rows[rj].v[q]);
            ++row_mismatch;
          }
      }
    }
    if (!spikes_ok || n_spk != nsp[lvl]) fprintf(stderr, "\n  T5 h=%s level %d: spike steps differ from NEST (%d vs %d spikes)", tag, lvl + 1, n_spk, nsp[lvl]);
    CU_ASSERT(spikes_ok);
    CU_ASSERT_EQUAL(n_spk, nsp[lvl]);
  }
  CU_ASSERT_EQUAL(row_mismatch, 0);
  CU_ASSERT_EQUAL((size_t)checked, nrows);
  free(rows); free(cur); free(e1); free(e2);
}

static void test_glif_cond_T5_replay_h01(void) { t5_replay(0.1, "0.1"); }
static void test_glif_cond_T5_replay_h005(void) { t5_replay(0.05, "0.05"); }
static void test_glif_cond_T5_replay_h001(void) { t5_replay(0.01, "0.01"); }

static CU_TestInfo tests[] = {
  {"validation errors", test_glif_cond_validation},
  {"prepare constants and t_ref rounding", test_glif_cond_prepare},
  {"RKF45 + update vs independent reimplementation", test_glif_cond_rkf45_vs_reference},
  {"integration of random states vs reference", test_glif_cond_integrate_random},
  {"resting neuron stays at E_L exactly", test_glif_cond_rest},
  {"absurd states do not hang the solver", test_glif_cond_no_hang},
  {"M11 reset value, hold, spike steps", test_glif_cond_M11_reset},
  {"M13 ASC mean and its lag", test_glif_cond_M13_asc},
  {"T2 multiplicity", test_glif_cond_T2_multiplicity},
  {"T5 replay h=0.1 bitwise", test_glif_cond_T5_replay_h01},
  {"T5 replay h=0.05 bitwise", test_glif_cond_T5_replay_h005},
  {"T5 replay h=0.01 bitwise", test_glif_cond_T5_replay_h001},
  CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_glif_cond = {"glif_cond", NULL, tests};
