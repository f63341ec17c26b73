/* sg/models/glif_cond_lanes.h - template of glif_cond's CPU block step, SG_GLIF_W neurons per
 * vector (host only, GCC vector extensions). glif_cond_block.h includes it once per lane count with
 * SG_GLIF_W (4: AVX2, 8: AVX-512; any power of two works, wider vectors are split by the compiler)
 * and SG_GLIF_SFX (the name suffix) defined; tests/test_glif_block.c compiles both widths and
 * compares them with the scalar step sg_glif_cond_step.
 *
 * Each lane is one neuron that follows exactly its own run of sg_glif_cond_integrate: per lane the
 * time t, the next trial size h0 and the carried suggestion hs; every vector iteration is one
 * rkf45 trial of every lane still integrating (mask `act`), and the control's outcome (accept,
 * reject and retry with a smaller step, or done) is a per-lane select of the values the scalar code
 * would assign. Every arithmetic operation is the scalar one, in the same order, applied lane-wise
 * (GCC vector operators are IEEE operations per lane; the build uses -ffp-contract=off, so nothing is
 * fused). Differences in form only:
 *   - a retry recomputes k1 = f(y) (the scalar code keeps it): the same function of the same bits;
 *   - inactive lanes compute too and their results are discarded by the selects;
 *   - pow(rmax, 1/5) and pow(rmax, 1/6) go through sg_pow_lanes (below, the vector twin of sg_pow)
 *     and, for the lanes its rounding test cannot decide, sg_pow itself: sg_pow's bits per lane;
 *   - the scalar solver's budget (SG_GLIF_MAX_EVOLVE trials) becomes a cap of SG_GLIF_LANE_CAP
 *     trials: a lane that has not finished by then is not used, and the caller steps that neuron
 *     with sg_glif_cond_step from its untouched state (the vector pass only reads memory);
 *   - the error ratio divides the largest |err| once instead of every component, and the control's
 *     two quotients 0.9 / rmax^(1/5), 0.9 / rmax^(1/6) are one (see sg_glif_trial: same values);
 *   - SG_GLIF_GROUPS vectors are integrated side by side (sg_glif_trial), and steps 2-5 of the
 *     update run lane-wise (sg_glif_vfinish, the twin of sg_glif_cond_finish).
 */
/* SPDX-License-Identifier: MIT */
#if !defined(SG_GLIF_W) || !defined(SG_GLIF_SFX)
#error "glif_cond_lanes.h is a template: define SG_GLIF_W and SG_GLIF_SFX (see glif_cond_block.h)"
#endif

#define SGL_CAT_(a, b) a##b
#define SGL_CAT(a, b) SGL_CAT_(a, b)
#define SGL(name) SGL_CAT(name, SG_GLIF_SFX)
#define VD SGL(sg_glif_vd)
#define VI SGL(sg_glif_vi)

typedef double VD __attribute__((vector_size(8 * SG_GLIF_W)));
typedef int64_t VI __attribute__((vector_size(8 * SG_GLIF_W)));

/* per-lane select: m lanes are all ones (true) or all zeros (false), as vector comparisons give */
static inline __attribute__((always_inline)) VD SGL(sg_glif_sel)(VI m, VD a, VD b) {
  return (VD)(((VI)a & m) | ((VI)b & ~m));
}
static inline __attribute__((always_inline)) VD SGL(sg_glif_abs)(VD x) {
  return (VD)((VI)x & ((VI){0} + 0x7fffffffffffffffll));
}
static inline __attribute__((always_inline)) int SGL(sg_glif_any)(VI m) {
#if defined(__AVX__)
  if (SG_GLIF_W == 4) {   /* one vptest instead of four extractions */
    __m256i x;
    memcpy(&x, &m, sizeof x);
    return !_mm256_testz_si256(x, x);
  }
#endif
  int64_t o = 0;
  for (int l = 0; l < SG_GLIF_W; ++l) o |= m[l];
  return o != 0;
}
static inline __attribute__((always_inline)) VD SGL(sg_glif_splat)(double x) {
  VD v;
  for (int l = 0; l < SG_GLIF_W; ++l) v[l] = x;   /* a copy: keeps -0.0 and NaN payloads */
  return v;
}
static inline __attribute__((always_inline)) VD SGL(sg_glif_load)(const double *p) {
  VD v;
  memcpy(&v, p, sizeof v);
  return v;
}

/* ---- sg_pow_lanes: the vector twin of sg_pow (sg/math.h) ---------------------------------------
 * sg_pow's fast path (sg_i_log_fast, sg_i_exp_fast, the Ziv rounding test) with the same operations
 * lane-wise (x and y per lane): integer steps on the bit patterns, table loads per lane, fma per
 * lane. *ok gets the
 * lanes where that path decides (x positive normal, y finite nonzero, |y log x| <= 708, the
 * rounding test passes); there the result is sg_pow(x, y) bit for bit, elsewhere undefined, and the
 * caller takes sg_pow itself (1 lane in ~1000 fails the rounding test). */
typedef uint64_t SGL(sg_glif_vu) __attribute__((vector_size(8 * SG_GLIF_W)));
static inline __attribute__((always_inline)) VD SGL(sg_glif_fma)(VD a, VD b, VD c) {
  VD r;
  for (int l = 0; l < SG_GLIF_W; ++l) r[l] = __builtin_fma(a[l], b[l], c[l]);
  return r;
}
static inline __attribute__((always_inline)) VD SGL(sg_pow_lanes)(VD x, VD Y, VI *ok) {
  typedef SGL(sg_glif_vu) VU;
  const double *LT = sg_i_log_tab(), *ET = sg_i_exp_tab();
  /* sg_pow's guard: x positive normal, y finite nonzero */
  const VU ix = (VU)x, iy = (VU)Y;
  VI good = (VI)(ix - 0x0010000000000000ull < 0x7fe0000000000000ull) &
            (VI)((iy << 1) - 1u < 0xffdfffffffffffffull);
  /* sg_i_log_fast */
  const VU tmp = ix - SG_I_LOG_OFF;
  const VI i = (VI)((tmp >> 45) & 127u);
  const VI k = (VI)((tmp + 0x8000000000000000ull) >> 52) - 2048;
  const VD z = (VD)(ix - (tmp & 0xfff0000000000000ull));
  VD invc, lch, lcl;
  for (int l = 0; l < SG_GLIF_W; ++l) {
    invc[l] = LT[3 * i[l]];
    lch[l] = LT[3 * i[l] + 1];
    lcl[l] = LT[3 * i[l] + 2];
  }
  const VD kd = __builtin_convertvector(k, VD);
  VD ph = z * invc, pl = SGL(sg_glif_fma)(z, invc, -ph);
  VD t0 = ph - 1.0, rh = t0 + pl, rl = pl - (rh - t0);                         /* fast2sum */
  VD a0 = kd * SG_I_L1, w = a0 + lch, we = lch - (w - a0);
  VD w2 = w + rh, we2 = rh - (w2 - w);
  VD sh = rh * rh, sl = SGL(sg_glif_fma)(rh, rh, -sh);
  VD b0 = -0.5 * sh, h = w2 + b0, we3 = b0 - (h - w2);
  VD P = 0x1.5555555555555p-2 +
         rh * (-0.25 + rh * (0x1.999999999999ap-3 +
                             rh * (-0x1.5555555555555p-3 +
                                   rh * (0x1.2492492492492p-3 +
                                         rh * (-0.125 + rh * (0x1.c71c71c71c71cp-4 + rh * -0x1.999999999999ap-4))))));
  VD ll = ((we + we2) + (we3 - 0.5 * sl)) + ((kd * SG_I_L2 + lcl) + (SGL(sg_glif_fma)(-rl, rh, rl) + (sh * rh) * P));
  VD lh = h;
  { const VD s0 = lh + ll; ll = ll - (s0 - lh); lh = s0; }                  /* fast2sum */
  const VD th = Y * lh;
  good &= SGL(sg_glif_abs)(th) <= 708.0;
  const VD tl = SGL(sg_glif_fma)(Y, lh, -th) + Y * ll;
  /* sg_i_exp_fast(th, tl) */
  const VD ks = th * SG_I_INVLN2N + SG_I_SHIFT, kx = ks - SG_I_SHIFT;
  const VI ki = ((VI)ks << 32) >> 32, j = ki & 127;
  const VD ra = th - kx * SG_I_C1, mb = -(kx * SG_I_C2);
  VD rh2 = ra + mb, bb = rh2 - ra, rl2 = (ra - (rh2 - bb)) + (mb - bb);         /* 2sum */
  rl2 += tl;
  const VD q = rh2 * rh2 *
               (0.5 + rh2 * (0x1.5555555555555p-3 +
                             rh2 * (0x1.5555555555555p-5 +
                                    rh2 * (0x1.1111111111111p-7 + rh2 * (0x1.6c16c16c16c17p-10 + rh2 * 0x1.a01a01a01a01ap-13)))));
  const VD pl2 = SGL(sg_glif_fma)(rl2, rh2, rl2) + q;
  VD Th, Tl;
  for (int l = 0; l < SG_GLIF_W; ++l) {
    Th[l] = ET[2 * j[l]];
    Tl[l] = ET[2 * j[l] + 1];
  }
  const VD ah = Th * rh2, al = SGL(sg_glif_fma)(Th, rh2, -ah);
  const VD hi = Th + ah, e1 = ah - (hi - Th);
  const VD lo = SGL(sg_glif_fma)(Th, pl2, (e1 + al) + SGL(sg_glif_fma)(Tl, rh2, Tl));
  const VI e = (ki - j) >> 7;
  /* the rounding test and the scaling of sg_pow */
  const VD eb = SGL(sg_glif_abs)(th) * 0x1p-63 + SG_I_EXP_EB;
  const VD y1 = hi + (lo - eb), y2 = hi + (lo + eb);
  good &= y1 == y2;
  *ok = good;
  return y1 * (VD)((e + 1023) << 52);
}

/* pow(rmax, 1/5) for the lanes of n5, pow(rmax, 1/6) for those of n6 (disjoint: the control needs
 * at most one per lane), 1.0 elsewhere: sg_pow's bits, through sg_pow_lanes or sg_pow itself. For G
 * groups at once (their sg_pow_lanes chains side by side); a group without such lanes is skipped. */
static inline __attribute__((always_inline)) void SGL(sg_glif_pows_g)(const uint32_t G, const VD *rmax, const VI *n5,
                                                                      const VI *n6, VD *p) {
  const VD one = SGL(sg_glif_splat)(1.0);
  VD Y[SG_GLIF_GMAX];
  VI need[SG_GLIF_GMAX], ok[SG_GLIF_GMAX];
  int any[SG_GLIF_GMAX];
  for (uint32_t g = 0; g < G; ++g) {
    Y[g] = SGL(sg_glif_sel)(n5[g], SGL(sg_glif_splat)(1.0 / 5), SGL(sg_glif_splat)(1.0 / (5 + 1.0)));
    need[g] = n5[g] | n6[g];
    any[g] = SGL(sg_glif_any)(need[g]);
    p[g] = one;
  }
  for (uint32_t g = 0; g < G; ++g)
    if (any[g]) p[g] = SGL(sg_glif_sel)(need[g], SGL(sg_pow_lanes)(rmax[g], Y[g], &ok[g]), one);
  for (uint32_t g = 0; g < G; ++g) {
    if (!any[g]) continue;
    const VI slow = need[g] & ~ok[g];
    if (SGL(sg_glif_any)(slow))
      for (int l = 0; l < SG_GLIF_W; ++l)
        if (slow[l]) p[g][l] = sg_pow(rmax[g][l], Y[g][l]);
  }
}

/* one group (the form tests/test_glif_block.c calls) */
static inline VD SGL(sg_glif_pows)(VD rmax, VI n5, VI n6) {
  VD p;
  SGL(sg_glif_pows_g)(1, &rmax, &n5, &n6, &p);
  return p;
}

/* sg_glif_cond_rhs, lane-wise: refr lanes get f[0] = 0 (their V part is computed and dropped) */
static inline __attribute__((always_inline)) void SGL(sg_glif_vrhs)(const sg_glif_cond_coef *SG_RESTRICT c,
                                                                    const uint32_t nr, VI refr, VD I, VD asc,
                                                                    const VD *SG_RESTRICT y, VD *SG_RESTRICT f) {
  const VD V = y[0];
  VD I_syn = SGL(sg_glif_splat)(0.0);
  for (uint32_t r = 0; r < nr; ++r) I_syn += y[2 + 2 * r] * (V + c->E_L - c->E_rev[r]);
  const VD I_leak = c->G * V;
  f[0] = SGL(sg_glif_sel)(refr, SGL(sg_glif_splat)(0.0), (-I_leak - I_syn + I + asc) / c->C_m);
  for (uint32_t r = 0; r < nr; ++r) {
    f[1 + 2 * r] = -y[1 + 2 * r] / c->tau[r];
    f[2 + 2 * r] = y[1 + 2 * r] - (y[2 + 2 * r] / c->tau[r]);
  }
}

/* One RKF45 trial of every lane of G (1 .. SG_GLIF_GMAX, a literal) groups of SG_GLIF_W neurons, the
 * groups' operations written one after the other stage by stage, so that one group's division and
 * latency chain overlaps the other's (the groups are independent: each lane is its own neuron).
 * y[g][d]: component d of every lane of group g; t, h_sugg, h0, act: per group, the solver's time,
 * carried suggestion, next trial size and the lanes still integrating, updated as
 * sg_glif_cond_integrate updates them. */
static inline __attribute__((always_inline)) void SGL(sg_glif_trial)(
    const sg_glif_cond_coef *SG_RESTRICT c, const uint32_t nr, const uint32_t G, const VI *refr, const VD *I,
    const VD *asc, VD (*SG_RESTRICT y)[SG_GLIF_MAX_DIM], VD *SG_RESTRICT t, VD *SG_RESTRICT h_sugg,
    VD *SG_RESTRICT h0, VI *SG_RESTRICT act) {
  const uint32_t D = 1 + 2 * nr;
  const VD T1 = SGL(sg_glif_splat)(c->h), one = SGL(sg_glif_splat)(1.0);
  VD k1[SG_GLIF_GMAX][SG_GLIF_MAX_DIM], k2[SG_GLIF_GMAX][SG_GLIF_MAX_DIM], k3[SG_GLIF_GMAX][SG_GLIF_MAX_DIM];
  VD k4[SG_GLIF_GMAX][SG_GLIF_MAX_DIM], k5[SG_GLIF_GMAX][SG_GLIF_MAX_DIM], k6[SG_GLIF_GMAX][SG_GLIF_MAX_DIM];
  VD yt[SG_GLIF_GMAX][SG_GLIF_MAX_DIM], H[SG_GLIF_GMAX];
  VI fin[SG_GLIF_GMAX];
#define SGL_ALL for (uint32_t g = 0; g < G; ++g)
  SGL_ALL {
    const VD dt = T1 - t[g];
    fin[g] = h0[g] > dt;
    H[g] = SGL(sg_glif_sel)(fin[g], dt, h0[g]);
  }
  SGL_ALL SGL(sg_glif_vrhs)(c, nr, refr[g], I[g], asc[g], y[g], k1[g]);
  SGL_ALL for (uint32_t d = 0; d < D; ++d) yt[g][d] = y[g][d] + SG_GLIF_AH0 * H[g] * k1[g][d];
  SGL_ALL SGL(sg_glif_vrhs)(c, nr, refr[g], I[g], asc[g], yt[g], k2[g]);
  SGL_ALL for (uint32_t d = 0; d < D; ++d)
    yt[g][d] = y[g][d] + H[g] * (SG_GLIF_B3_0 * k1[g][d] + SG_GLIF_B3_1 * k2[g][d]);
  SGL_ALL SGL(sg_glif_vrhs)(c, nr, refr[g], I[g], asc[g], yt[g], k3[g]);
  SGL_ALL for (uint32_t d = 0; d < D; ++d)
    yt[g][d] = y[g][d] + H[g] * (SG_GLIF_B4_0 * k1[g][d] + SG_GLIF_B4_1 * k2[g][d] + SG_GLIF_B4_2 * k3[g][d]);
  SGL_ALL SGL(sg_glif_vrhs)(c, nr, refr[g], I[g], asc[g], yt[g], k4[g]);
  SGL_ALL for (uint32_t d = 0; d < D; ++d)
    yt[g][d] = y[g][d] + H[g] * (SG_GLIF_B5_0 * k1[g][d] + SG_GLIF_B5_1 * k2[g][d] + SG_GLIF_B5_2 * k3[g][d] +
                                 SG_GLIF_B5_3 * k4[g][d]);
  SGL_ALL SGL(sg_glif_vrhs)(c, nr, refr[g], I[g], asc[g], yt[g], k5[g]);
  SGL_ALL for (uint32_t d = 0; d < D; ++d)
    yt[g][d] = y[g][d] + H[g] * (SG_GLIF_B6_0 * k1[g][d] + SG_GLIF_B6_1 * k2[g][d] + SG_GLIF_B6_2 * k3[g][d] +
                                 SG_GLIF_B6_3 * k4[g][d] + SG_GLIF_B6_4 * k5[g][d]);
  SGL_ALL SGL(sg_glif_vrhs)(c, nr, refr[g], I[g], asc[g], yt[g], k6[g]);
  VD rmax[SG_GLIF_GMAX], p[SG_GLIF_GMAX], t_new[SG_GLIF_GMAX];
  VI need5[SG_GLIF_GMAX], need6[SG_GLIF_GMAX];
  SGL_ALL {
    /* rmax = max(DBL_MIN, max_d |err_d| / 1e-3) with one division: a correctly rounded division
     * by a positive constant is monotone, so the quotient of the largest |err_d| is the largest
     * quotient (NaN errors are skipped both ways, and 0 / 1e-3 = 0 never beats DBL_MIN) */
    VD emax = SGL(sg_glif_splat)(0.0);
    for (uint32_t d = 0; d < D; ++d) {
      const VD di = SG_GLIF_C1 * k1[g][d] + SG_GLIF_C3 * k3[g][d] + SG_GLIF_C4 * k4[g][d] +
                    SG_GLIF_C5 * k5[g][d] + SG_GLIF_C6 * k6[g][d];
      yt[g][d] = y[g][d] + H[g] * di;   /* the trial's result */
      const VD err = H[g] * (SG_GLIF_E1 * k1[g][d] + SG_GLIF_E3 * k3[g][d] + SG_GLIF_E4 * k4[g][d] +
                             SG_GLIF_E5 * k5[g][d] + SG_GLIF_E6 * k6[g][d]);
      const VD ae = SGL(sg_glif_abs)(err);
      emax = SGL(sg_glif_sel)(ae > emax, ae, emax);
    }
    rmax[g] = emax / 1e-3;
    rmax[g] = SGL(sg_glif_sel)(rmax[g] > SG_GLIF_DBL_MIN, rmax[g], SGL(sg_glif_splat)(SG_GLIF_DBL_MIN));
    t_new[g] = SGL(sg_glif_sel)(fin[g], T1, t[g] + H[g]);
    need5[g] = act[g] & (rmax[g] > 1.1) & ~(rmax[g] > 1900.0);
    need6[g] = act[g] & (rmax[g] < 0.5) & ~(rmax[g] < 3e-5);
  }
  SGL(sg_glif_pows_g)(G, rmax, need5, need6, p);
  SGL_ALL {
    /* standard control, lane-wise (see sg_glif_cond_integrate). need5 and need6 are disjoint and
     * the control reads 0.9 / rmax^(1/5) only on need5 lanes and 0.9 / rmax^(1/6) only on need6
     * lanes: one quotient q serves both (elsewhere p = 1 and q = 0.9, the value it replaces) */
    const VD R = rmax[g];
    const VI big = R > 1.1, small = R < 0.5;
    const VD q = 0.9 / p[g];
    VD rr = SGL(sg_glif_sel)(R > 1900.0, SGL(sg_glif_splat)(0.2), q);
    rr = SGL(sg_glif_sel)(rr < 0.2, SGL(sg_glif_splat)(0.2), rr);
    const VD h_new = rr * H[g];
    const VI rej = act[g] & big & (SGL(sg_glif_abs)(h_new) < SGL(sg_glif_abs)(H[g])) & (t_new[g] + h_new != t_new[g]);
    VD rs = SGL(sg_glif_sel)(R < 3e-5, SGL(sg_glif_splat)(5.0), q);
    rs = SGL(sg_glif_sel)(rs > 5.0, SGL(sg_glif_splat)(5.0), rs);
    rs = SGL(sg_glif_sel)(rs < 1.0, one, rs);
    const VD h_acc = SGL(sg_glif_sel)(small, rs * H[g], H[g]);
    const VI acc = act[g] & ~rej;
    for (uint32_t d = 0; d < D; ++d) y[g][d] = SGL(sg_glif_sel)(acc, yt[g][d], y[g][d]);
    t[g] = SGL(sg_glif_sel)(acc, t_new[g], t[g]);
    h_sugg[g] = SGL(sg_glif_sel)(acc, h_acc, h_sugg[g]);
    h0[g] = SGL(sg_glif_sel)(acc, h_acc, SGL(sg_glif_sel)(rej, h_new, h0[g]));
    act[g] = act[g] & (t[g] < T1);
  }
#undef SGL_ALL
}

/* sg_glif_cond_integrate for G groups of SG_GLIF_W neurons (y[g], hs[g] the carried step sizes,
 * already h where the state says 0): trials of all groups together while all of them have lanes
 * integrating, then of each group that has. done[g] gets the mask of the lanes that finished (all
 * of them unless one needed more than SG_GLIF_LANE_CAP trials). */
static inline __attribute__((always_inline)) void SGL(sg_glif_vintegrate_g)(
    const sg_glif_cond_coef *SG_RESTRICT c, const uint32_t nr, const uint32_t G, const VI *refr, const VD *I,
    const VD *asc, VD (*SG_RESTRICT y)[SG_GLIF_MAX_DIM], VD *SG_RESTRICT hs, VI *SG_RESTRICT done) {
  const VD T1 = SGL(sg_glif_splat)(c->h);
  VD t[SG_GLIF_GMAX], h_sugg[SG_GLIF_GMAX], h0[SG_GLIF_GMAX];
  VI act[SG_GLIF_GMAX];
  int live[SG_GLIF_GMAX], n_live = 0;
  for (uint32_t g = 0; g < G; ++g) {
    t[g] = SGL(sg_glif_splat)(0.0);
    h_sugg[g] = h0[g] = hs[g];
    act[g] = t[g] < T1;
    live[g] = SGL(sg_glif_any)(act[g]);
    n_live += live[g];
  }
  for (uint32_t trial = 0; n_live; ++trial) {
    if (trial == SG_GLIF_LANE_CAP) break;
    if (G > 1 && n_live == (int)G) {
      SGL(sg_glif_trial)(c, nr, G, refr, I, asc, y, t, h_sugg, h0, act);
    } else {
      for (uint32_t g = 0; g < G; ++g)
        if (live[g]) SGL(sg_glif_trial)(c, nr, 1, refr + g, I + g, asc + g, y + g, t + g, h_sugg + g, h0 + g, act + g);
    }
    n_live = 0;
    for (uint32_t g = 0; g < G; ++g) {
      live[g] = live[g] && SGL(sg_glif_any)(act[g]);
      n_live += live[g];
    }
  }
  for (uint32_t g = 0; g < G; ++g) {
    hs[g] = h_sugg[g];
    done[g] = ~act[g];
  }
}

/* one group (the form tests/test_glif_block.c calls) */
static inline __attribute__((always_inline)) VI SGL(sg_glif_vintegrate)(const sg_glif_cond_coef *SG_RESTRICT c,
                                                                        const uint32_t nr, VI refr, VD I, VD asc,
                                                                        VD *SG_RESTRICT y, VD *SG_RESTRICT hs) {
  VI done;
  SGL(sg_glif_vintegrate_g)(c, nr, 1, &refr, &I, &asc, (VD(*)[SG_GLIF_MAX_DIM])y, hs, &done);
  return done;
}

static inline __attribute__((always_inline)) void SGL(sg_glif_store)(double *p, VD x) { memcpy(p, &x, sizeof x); }

/* sg_take_fed of nodes i .. i + W - 1 (one rank's block, consecutive inputs at sg_input_at): the
 * W inputs as doubles, cleared; a port nothing feeds gives 0.0 and is neither read nor cleared.
 * sg_fx_to_double lane-wise without an int64 -> double instruction (AVX2 has none): the high
 * half (signed) and the low half (unsigned) become doubles exactly through the 2^52 tricks, and
 * hi + lo 2^-32 is the exact v 2^-32 rounded once, as (double)v * 0x1p-32 is (the scaling by a
 * power of two is exact: |v 2^-32| < 2^31 and >= 2^-32). */
static inline __attribute__((always_inline)) VD SGL(sg_glif_take)(int64_t *SG_RESTRICT slot, const sg_step_ctx *ctx,
                                                                  uint32_t port, uint64_t i) {
  if (!(port >= 64u || (ctx->fed_ports >> port & 1u))) return SGL(sg_glif_splat)(0.0);
  int64_t *const p = slot + sg_input_at(ctx, port, i);
  VI x;
  memcpy(&x, p, sizeof x);
  const VI zero = {0};
  memcpy(p, &zero, sizeof zero);
  const VD hi = (VD)((x >> 32) + 0x4338000000000000ll) - 0x1.8p52;   /* 1.5 2^52 + hi, |hi| <= 2^31 */
  const VD lo = (VD)((x & 0xffffffffll) | 0x4330000000000000ll) - 0x1p52;   /* 2^52 + lo */
  return hi + lo * 0x1p-32;
}

/* sg_glif_cond_finish for the SG_GLIF_W nodes i .. i + W - 1, all of which the vector solver
 * finished (y, hs its results): the same operations lane-wise, the branches of the scalar code
 * (refractory or not, spike or not) as per-lane selects of the values each branch assigns, the
 * inputs taken a vector at a time through the context (sg_glif_take). m[l] gets what
 * sg_glif_cond_finish returns for lane l. */
static inline __attribute__((always_inline)) void SGL(sg_glif_vfinish)(
    const sg_glif_cond_coef *SG_RESTRICT c, const uint32_t nr, const sg_view *v, uint64_t i, int64_t *SG_RESTRICT slot,
    const sg_step_ctx *ctx, VD *SG_RESTRICT y, VD hs, uint32_t *SG_RESTRICT m) {
  const uint64_t n = ctx->n;
  double *const *s = v->s;
  const VD v_old = SGL(sg_glif_load)(s[SG_GLIF_COND_S_V_m] + i);
  const VD refr = SGL(sg_glif_load)(s[SG_GLIF_COND_S_refractory_steps] + i);
  const VD I = SGL(sg_glif_load)(s[SG_GLIF_COND_S_I] + i);
  const VD asc0 = SGL(sg_glif_load)(s[SG_GLIF_COND_S_ASCurrents_sum] + i);
  const VD ts0 = SGL(sg_glif_load)(s[SG_GLIF_COND_S_threshold_spike] + i);
  const VD tv0 = SGL(sg_glif_load)(s[SG_GLIF_COND_S_threshold_voltage] + i);
  const VI live = ~(refr > 0.0);   /* 2. not refractory (the rest: 3.) */
  /* 2. */
  VD ts = c->has_R ? ts0 * c->ts_decay : ts0, asc = SGL(sg_glif_splat)(0.0), tv = tv0;
  for (uint32_t j = 0; j < c->n_asc; ++j) {
    double *const Ij = s[SG_GLIF_COND_S_ASCurrents] + (uint64_t)j * n + i;
    const VD a = SGL(sg_glif_load)(Ij);
    asc += c->asc_coeff[j] * a;
    SGL(sg_glif_store)(Ij, SGL(sg_glif_sel)(live, a * c->asc_decay[j], a));
  }
  if (c->has_A) {
    const VD beta = (I + asc) / c->G;
    tv = c->phi * (v_old - beta) * c->pot_decay +
         c->tv_decay_inv * (tv0 - c->phi * (v_old - beta) - c->ab_ratio * beta) + c->ab_ratio * beta;
  }
  VD theta = ts + tv + c->th_inf, y0 = y[0], refr_new = refr;
  const VI spk = live & (y0 > theta);
  if (SGL(sg_glif_any)(spk)) {
    refr_new = SGL(sg_glif_sel)(spk, SGL(sg_glif_splat)(c->refr_steps), refr_new);
    for (uint32_t j = 0; j < c->n_asc; ++j) {
      double *const Ij = s[SG_GLIF_COND_S_ASCurrents] + (uint64_t)j * n + i;
      const VD a = SGL(sg_glif_load)(Ij);
      SGL(sg_glif_store)(Ij, SGL(sg_glif_sel)(spk, c->asc_amps[j] + a * c->asc_refr[j], a));
    }
    if (!c->has_R) {
      y0 = SGL(sg_glif_sel)(spk, SGL(sg_glif_splat)(c->V_reset), y0);
    } else {
      y0 = SGL(sg_glif_sel)(spk, c->vr_fraction * v_old + c->vr_add, y0);
      const VD ts_s = ts * c->ts_refr_decay + c->th_spike_add;
      theta = SGL(sg_glif_sel)(spk, ts_s + tv + c->th_inf, theta);
      ts = SGL(sg_glif_sel)(spk, ts_s, ts);
    }
  }
  /* 3. refractory lanes: count down, hold V, the thresholds and the ASC sum as they were */
  y0 = SGL(sg_glif_sel)(live, y0, v_old);
  theta = SGL(sg_glif_sel)(live, theta, ts0 + tv0 + c->th_inf);
  ts = SGL(sg_glif_sel)(live, ts, ts0);
  tv = SGL(sg_glif_sel)(live, tv, tv0);
  asc = SGL(sg_glif_sel)(live, asc, asc0);
  /* 4. spike inputs (an unfed port's 0.0 still added, as in the scalar step), 5. current input */
  for (uint32_t r = 0; r < nr; ++r) y[1 + 2 * r] += SGL(sg_glif_take)(slot, ctx, r, i) * c->jump[r];
  SGL(sg_glif_store)(s[SG_GLIF_COND_S_I] + i, SGL(sg_glif_take)(slot, ctx, nr, i));
  SGL(sg_glif_store)(s[SG_GLIF_COND_S_V_m] + i, y0);
  for (uint32_t r = 0; r < nr; ++r) {
    SGL(sg_glif_store)(s[SG_GLIF_COND_S_dg] + (uint64_t)r * n + i, y[1 + 2 * r]);
    SGL(sg_glif_store)(s[SG_GLIF_COND_S_g] + (uint64_t)r * n + i, y[2 + 2 * r]);
  }
  SGL(sg_glif_store)(s[SG_GLIF_COND_S_ASCurrents_sum] + i, asc);
  SGL(sg_glif_store)(s[SG_GLIF_COND_S_threshold] + i, theta);
  SGL(sg_glif_store)(s[SG_GLIF_COND_S_threshold_spike] + i, ts);
  SGL(sg_glif_store)(s[SG_GLIF_COND_S_threshold_voltage] + i, tv);
  SGL(sg_glif_store)(s[SG_GLIF_COND_S_refractory_steps] + i, SGL(sg_glif_sel)(live, refr_new, refr - 1.0));
  SGL(sg_glif_store)(s[SG_GLIF_COND_S_integration_step] + i, hs);
  /* as sg_glif_cond_finish: !(|V| <= max) also catches NaN */
  const VI bad = ~(SGL(sg_glif_abs)(y0) <= 1.7976931348623157e308);
  for (int l = 0; l < SG_GLIF_W; ++l) m[l] = bad[l] ? SG_STEP_NONFINITE : spk[l] ? 1u : 0u;
}

/* G groups (G * SG_GLIF_W nodes from i = i0 + j) through the vector solver, then the vector finish
 * per group (or, in a group with a lane over the cap, sg_glif_cond_finish per lane and
 * sg_glif_cond_step for that lane); appends to spk as
 * sg_glif_cond_step_block does and returns the new count. */
static inline __attribute__((always_inline)) uint32_t SGL(sg_glif_cond_groups)(
    const sg_glif_cond_coef *SG_RESTRICT c, const uint32_t nr, const uint32_t G, const sg_view *v, uint64_t i0,
    uint32_t j, int64_t *SG_RESTRICT slot, const sg_step_ctx *ctx, uint32_t *SG_RESTRICT spk, uint32_t ns) {
  const uint64_t n = ctx->n;
  double *const *s = v->s;
  VD y[SG_GLIF_GMAX][SG_GLIF_MAX_DIM], I[SG_GLIF_GMAX], asc[SG_GLIF_GMAX], hs[SG_GLIF_GMAX];
  VI refr[SG_GLIF_GMAX], done[SG_GLIF_GMAX];
  for (uint32_t g = 0; g < G; ++g) {
    const uint64_t i = i0 + j + (uint64_t)g * SG_GLIF_W;
    y[g][0] = SGL(sg_glif_load)(s[SG_GLIF_COND_S_V_m] + i);
    for (uint32_t r = 0; r < nr; ++r) {
      y[g][1 + 2 * r] = SGL(sg_glif_load)(s[SG_GLIF_COND_S_dg] + (uint64_t)r * n + i);
      y[g][2 + 2 * r] = SGL(sg_glif_load)(s[SG_GLIF_COND_S_g] + (uint64_t)r * n + i);
    }
    refr[g] = SGL(sg_glif_load)(s[SG_GLIF_COND_S_refractory_steps] + i) > 0.0;
    I[g] = SGL(sg_glif_load)(s[SG_GLIF_COND_S_I] + i);
    asc[g] = SGL(sg_glif_load)(s[SG_GLIF_COND_S_ASCurrents_sum] + i);
    hs[g] = SGL(sg_glif_load)(s[SG_GLIF_COND_S_integration_step] + i);
    hs[g] = SGL(sg_glif_sel)(hs[g] > 0.0, hs[g], SGL(sg_glif_splat)(c->h));
  }
  SGL(sg_glif_vintegrate_g)(c, nr, G, refr, I, asc, y, hs, done);
  for (uint32_t g = 0; g < G; ++g) {
    const uint32_t jg = j + g * SG_GLIF_W;
    uint32_t m[SG_GLIF_W];
    if (!SGL(sg_glif_any)(~done[g])) {
      SGL(sg_glif_vfinish)(c, nr, v, i0 + jg, slot, ctx, y[g], hs[g], m);
    } else {
      for (uint32_t l = 0; l < SG_GLIF_W; ++l) {
        if (done[g][l]) {
          double yl[SG_GLIF_MAX_DIM];
          for (uint32_t d = 0; d < 1 + 2 * nr; ++d) yl[d] = y[g][d][l];
          m[l] = sg_glif_cond_finish(c, v, i0 + jg + l, slot, ctx, yl, hs[g][l], 0);
        } else {
          m[l] = sg_glif_cond_step(c, v, i0 + jg + l, slot, ctx);
        }
      }
    }
    for (uint32_t l = 0; l < SG_GLIF_W; ++l) {
      if (m[l] == SG_STEP_NONFINITE) spk[ns++] = SG_STEP_NONFINITE | (jg + l);
      else if (m[l]) spk[ns++] = jg + l;
    }
  }
  return ns;
}

/* The block step: nodes i0 .. i0 + cnt - 1, SG_GLIF_GROUPS groups of SG_GLIF_W at a time, then one
 * group at a time, then the rest (cnt mod W) through sg_glif_cond_step. Writes the indices
 * (relative to i0) of the nodes that spiked into spk, those of nodes whose state became non-finite
 * as SG_STEP_NONFINITE | index; returns the count. */
static inline __attribute__((always_inline)) uint32_t SGL(sg_glif_cond_block_nr)(
    const sg_glif_cond_coef *SG_RESTRICT c, const uint32_t nr, const sg_view *v, uint64_t i0, uint32_t cnt,
    int64_t *SG_RESTRICT slot, const sg_step_ctx *ctx, uint32_t *SG_RESTRICT spk) {
  uint32_t ns = 0, j = 0;
  for (; j + SG_GLIF_GROUPS * SG_GLIF_W <= cnt; j += SG_GLIF_GROUPS * SG_GLIF_W)
    ns = SGL(sg_glif_cond_groups)(c, nr, SG_GLIF_GROUPS, v, i0, j, slot, ctx, spk, ns);
  for (; j + SG_GLIF_W <= cnt; j += SG_GLIF_W) ns = SGL(sg_glif_cond_groups)(c, nr, 1, v, i0, j, slot, ctx, spk, ns);
  for (; j < cnt; ++j) {
    const uint32_t m = sg_glif_cond_step(c, v, i0 + j, slot, ctx);
    if (m == SG_STEP_NONFINITE) spk[ns++] = SG_STEP_NONFINITE | j;
    else if (m) spk[ns++] = j;
  }
  return ns;
}

static uint32_t SGL(sg_glif_cond_step_block)(const sg_glif_cond_coef *SG_RESTRICT c, const sg_view *v, uint64_t i0,
                                             uint32_t cnt, int64_t *SG_RESTRICT slot, const sg_step_ctx *ctx,
                                             uint32_t *SG_RESTRICT spk) {
  /* a literal receptor count lets the compiler unroll NEST's default case, as in the scalar step */
  return c->n_rec == 2 ? SGL(sg_glif_cond_block_nr)(c, 2, v, i0, cnt, slot, ctx, spk)
                       : SGL(sg_glif_cond_block_nr)(c, c->n_rec, v, i0, cnt, slot, ctx, spk);
}

#undef VD
#undef VI
#undef SGL
#undef SGL_CAT
#undef SGL_CAT_
