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
 *     with sg_glif_cond_step from its untouched state (the vector pass only reads memory).
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
 * at most one per lane), 1.0 elsewhere: sg_pow's bits, through sg_pow_lanes or sg_pow itself. */
static inline VD SGL(sg_glif_pows)(VD rmax, VI n5, VI n6) {
  const VD one = SGL(sg_glif_splat)(1.0);
  VI ok;
  const VD Y = SGL(sg_glif_sel)(n5, SGL(sg_glif_splat)(1.0 / 5), SGL(sg_glif_splat)(1.0 / (5 + 1.0)));
  VD p = SGL(sg_glif_sel)(n5 | n6, SGL(sg_pow_lanes)(rmax, Y, &ok), one);
  const VI slow = (n5 | n6) & ~ok;
  if (SGL(sg_glif_any)(slow))
    for (int l = 0; l < SG_GLIF_W; ++l)
      if (slow[l]) p[l] = sg_pow(rmax[l], Y[l]);
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

/* sg_glif_cond_integrate for SG_GLIF_W neurons: y[d] holds component d of every lane, hs the carried
 * step sizes (already h where the state says 0). Returns the mask of the lanes that finished (all
 * of them unless one needed more than SG_GLIF_LANE_CAP trials). */
static inline __attribute__((always_inline)) VI SGL(sg_glif_vintegrate)(const sg_glif_cond_coef *SG_RESTRICT c,
                                                                        const uint32_t nr, VI refr, VD I, VD asc,
                                                                        VD *SG_RESTRICT y, VD *SG_RESTRICT hs) {
  const uint32_t D = 1 + 2 * nr;
  const double t1 = c->h;
  const VD T1 = SGL(sg_glif_splat)(t1);
  VD k1[SG_GLIF_MAX_DIM], k2[SG_GLIF_MAX_DIM], k3[SG_GLIF_MAX_DIM], k4[SG_GLIF_MAX_DIM];
  VD k5[SG_GLIF_MAX_DIM], k6[SG_GLIF_MAX_DIM], yt[SG_GLIF_MAX_DIM];
  VD t = SGL(sg_glif_splat)(0.0), h_sugg = *hs, h0 = *hs;
  VI act = t < T1;
  for (uint32_t trial = 0; SGL(sg_glif_any)(act); ++trial) {
    if (trial == SG_GLIF_LANE_CAP) break;
    const VD dt = T1 - t;
    const VI fin = h0 > dt;
    const VD H = SGL(sg_glif_sel)(fin, dt, h0);
    SGL(sg_glif_vrhs)(c, nr, refr, I, asc, y, k1);
    for (uint32_t d = 0; d < D; ++d) yt[d] = y[d] + SG_GLIF_AH0 * H * k1[d];
    SGL(sg_glif_vrhs)(c, nr, refr, I, asc, yt, k2);
    for (uint32_t d = 0; d < D; ++d) yt[d] = y[d] + H * (SG_GLIF_B3_0 * k1[d] + SG_GLIF_B3_1 * k2[d]);
    SGL(sg_glif_vrhs)(c, nr, refr, I, asc, yt, k3);
    for (uint32_t d = 0; d < D; ++d)
      yt[d] = y[d] + H * (SG_GLIF_B4_0 * k1[d] + SG_GLIF_B4_1 * k2[d] + SG_GLIF_B4_2 * k3[d]);
    SGL(sg_glif_vrhs)(c, nr, refr, I, asc, yt, k4);
    for (uint32_t d = 0; d < D; ++d)
      yt[d] = y[d] + H * (SG_GLIF_B5_0 * k1[d] + SG_GLIF_B5_1 * k2[d] + SG_GLIF_B5_2 * k3[d] +
                          SG_GLIF_B5_3 * k4[d]);
    SGL(sg_glif_vrhs)(c, nr, refr, I, asc, yt, k5);
    for (uint32_t d = 0; d < D; ++d)
      yt[d] = y[d] + H * (SG_GLIF_B6_0 * k1[d] + SG_GLIF_B6_1 * k2[d] + SG_GLIF_B6_2 * k3[d] +
                          SG_GLIF_B6_3 * k4[d] + SG_GLIF_B6_4 * k5[d]);
    SGL(sg_glif_vrhs)(c, nr, refr, I, asc, yt, k6);
    VD rmax = SGL(sg_glif_splat)(SG_GLIF_DBL_MIN);
    for (uint32_t d = 0; d < D; ++d) {
      const VD di = SG_GLIF_C1 * k1[d] + SG_GLIF_C3 * k3[d] + SG_GLIF_C4 * k4[d] +
                    SG_GLIF_C5 * k5[d] + SG_GLIF_C6 * k6[d];
      yt[d] = y[d] + H * di;   /* the trial's result */
      const VD err = H * (SG_GLIF_E1 * k1[d] + SG_GLIF_E3 * k3[d] + SG_GLIF_E4 * k4[d] +
                          SG_GLIF_E5 * k5[d] + SG_GLIF_E6 * k6[d]);
      const VD r = SGL(sg_glif_abs)(err) / 1e-3;
      rmax = SGL(sg_glif_sel)(r > rmax, r, rmax);
    }
    const VD t_new = SGL(sg_glif_sel)(fin, T1, t + H);
    /* standard control, lane-wise (see sg_glif_cond_integrate) */
    const VI big = rmax > 1.1, small = rmax < 0.5;
    const VI need5 = act & big & ~(rmax > 1900.0), need6 = act & small & ~(rmax < 3e-5);
    const VD p = SGL(sg_glif_any)(need5 | need6) ? SGL(sg_glif_pows)(rmax, need5, need6) : SGL(sg_glif_splat)(1.0);
    const VD p5 = SGL(sg_glif_sel)(need5, p, SGL(sg_glif_splat)(1.0)), p6 = SGL(sg_glif_sel)(need6, p, SGL(sg_glif_splat)(1.0));
    VD rr = SGL(sg_glif_sel)(rmax > 1900.0, SGL(sg_glif_splat)(0.2), 0.9 / p5);
    rr = SGL(sg_glif_sel)(rr < 0.2, SGL(sg_glif_splat)(0.2), rr);
    const VD h_new = rr * H;
    const VI rej = act & big & (SGL(sg_glif_abs)(h_new) < SGL(sg_glif_abs)(H)) & (t_new + h_new != t_new);
    VD rs = SGL(sg_glif_sel)(rmax < 3e-5, SGL(sg_glif_splat)(5.0), 0.9 / p6);
    rs = SGL(sg_glif_sel)(rs > 5.0, SGL(sg_glif_splat)(5.0), rs);
    rs = SGL(sg_glif_sel)(rs < 1.0, SGL(sg_glif_splat)(1.0), rs);
    const VD h_acc = SGL(sg_glif_sel)(small, rs * H, H);
    const VI acc = act & ~rej;
    for (uint32_t d = 0; d < D; ++d) y[d] = SGL(sg_glif_sel)(acc, yt[d], y[d]);
    t = SGL(sg_glif_sel)(acc, t_new, t);
    h_sugg = SGL(sg_glif_sel)(acc, h_acc, h_sugg);
    h0 = SGL(sg_glif_sel)(acc, h_acc, SGL(sg_glif_sel)(rej, h_new, h0));
    act = act & (t < T1);
  }
  *hs = h_sugg;
  return ~act;
}

/* The block step: nodes i0 .. i0 + cnt - 1, SG_GLIF_W at a time through the vector solver and
 * sg_glif_cond_finish per lane, the rest (cnt mod W, and any lane over the cap) through
 * sg_glif_cond_step. Writes the indices (relative to i0) of the nodes that spiked into spk,
 * those of nodes whose state became non-finite as SG_STEP_NONFINITE | index; returns the count. */
static inline __attribute__((always_inline)) uint32_t SGL(sg_glif_cond_block_nr)(
    const sg_glif_cond_coef *SG_RESTRICT c, const uint32_t nr, const sg_view *v, uint64_t i0, uint32_t cnt,
    int64_t *SG_RESTRICT slot, const sg_step_ctx *ctx, uint32_t *SG_RESTRICT spk) {
  const uint64_t n = ctx->n;
  double *const *s = v->s;
  uint32_t ns = 0, j = 0;
  for (; j + SG_GLIF_W <= cnt; j += SG_GLIF_W) {
    const uint64_t i = i0 + j;
    VD y[SG_GLIF_MAX_DIM];
    y[0] = SGL(sg_glif_load)(s[SG_GLIF_COND_S_V_m] + i);
    for (uint32_t r = 0; r < nr; ++r) {
      y[1 + 2 * r] = SGL(sg_glif_load)(s[SG_GLIF_COND_S_dg] + (uint64_t)r * n + i);
      y[2 + 2 * r] = SGL(sg_glif_load)(s[SG_GLIF_COND_S_g] + (uint64_t)r * n + i);
    }
    const VI refr = SGL(sg_glif_load)(s[SG_GLIF_COND_S_refractory_steps] + i) > 0.0;
    const VD I = SGL(sg_glif_load)(s[SG_GLIF_COND_S_I] + i);
    const VD asc = SGL(sg_glif_load)(s[SG_GLIF_COND_S_ASCurrents_sum] + i);
    VD hs = SGL(sg_glif_load)(s[SG_GLIF_COND_S_integration_step] + i);
    hs = SGL(sg_glif_sel)(hs > 0.0, hs, SGL(sg_glif_splat)(c->h));
    const VI done = SGL(sg_glif_vintegrate)(c, nr, refr, I, asc, y, &hs);
    for (uint32_t l = 0; l < SG_GLIF_W; ++l) {
      uint32_t m;
      if (done[l]) {
        double yl[SG_GLIF_MAX_DIM];
        for (uint32_t d = 0; d < 1 + 2 * nr; ++d) yl[d] = y[d][l];
        m = sg_glif_cond_finish(c, v, i + l, slot, n, yl, hs[l], 0);
      } else {
        m = sg_glif_cond_step(c, v, i + l, slot, ctx);
      }
      if (m == SG_STEP_NONFINITE) spk[ns++] = SG_STEP_NONFINITE | (j + l);
      else if (m) spk[ns++] = j + l;
    }
  }
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
