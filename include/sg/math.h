/* sg/math.h - the shared transcendental functions: sg_exp, sg_log, sg_expm1, sg_pow, sg_nextafter.
 *
 * Header-only, every function SG_HD (host + device), C11 and CUDA C++. Built from + - * /, fma and bit
 * manipulation only (no libm transcendental), so gcc (-ffp-contract=off) and nvcc (-fmad=false) give the
 * same bits - and because the results are correctly rounded, they are the same bits whatever the
 * compiler does with the intermediate steps, as long as it keeps IEEE double semantics.
 *
 * ACCURACY. sg_exp, sg_log, sg_expm1 and sg_pow return the correctly rounded result (round to nearest,
 * ties to even), including subnormal results, except possibly for inputs whose exact result lies within
 * about 2^-100 (relative) of a rounding boundary and which are not one of the exact/midpoint cases
 * handled explicitly: for those the result is the correct rounding of a 2^-100-accurate approximation,
 * so at most 1 ulp off. No such input is known: against __float128 references (libquadmath) every one
 * of 5.7e7 random points (exp, log, expm1, pow; full ranges and the model ranges) was correctly rounded.
 *
 * GLIBC IS NOT CORRECTLY ROUNDED. glibc 2.36's exp/log/pow are accurate to about 0.51 ulp, expm1 to
 * 0.86 ulp, so these functions differ from glibc exactly where glibc misrounds. Measured (same 5.7e7
 * points, every difference confirmed as a glibc misrounding by the __float128 reference): exp 7.7e-4
 * of arguments on [-745, 710] and on [-30, 30]; log 1.1e-3 on (0, 2), 3.6e-6 over all doubles;
 * expm1 6.9e-2 on [-40, 80]; pow(r, 1/5) and pow(r, 1/6) (glif_cond's step control) 8.2e-4.
 * Code that must reproduce NEST (which calls glibc) bit for bit therefore cannot rely on any correctly
 * rounded function: expect a last-bit difference in about 1 pow call in 1200.
 *
 * METHOD (Ziv's strategy). Each function first evaluates a fast double-double approximation
 * (relative error about 2^-67) and checks cheaply whether hi + (lo - eb) and hi + (lo + eb) round to
 * the same double; if they do, that double is the correctly rounded result (rounding is monotonic).
 * Otherwise (measured: 1 call in 8000 for exp, 1 in 1400 for log) a slower approximation accurate to
 * about 2^-102 is used, and
 * its triple-double result is rounded via round-to-odd of the tail, which makes the final rounding of
 * hi + mid + lo exact even for ties. Tables: 2^(j/128) as double-double (exp), 1/c and log(c) for 128
 * subintervals of [0.707, 1.414) (log); on the device they live in __device__ global memory.
 *
 * SPECIAL VALUES follow C99 Annex F: exp(NaN)=NaN, exp(+inf)=+inf, exp(-inf)=+0, overflow -> +inf,
 * underflow -> correctly rounded subnormal or +0; log(x<0)=NaN, log(+-0)=-inf, log(+inf)=+inf,
 * log(1)=+0; expm1(-inf)=-1, expm1(-0)=-0; pow as in Annex F.9.4.4 (pow(x,+-0)=1, pow(1,y)=1 even for
 * NaN, negative x with non-integer y -> NaN, signed zeros and infinities). Floating-point exception
 * flags are not raised reliably (nothing in spikegpu reads them); errno is never set.
 *
 * PERFORMANCE (host, one core, -O3 -march=native; tests/test_math.c prints current figures): sg_exp
 * ~7 ns (glibc 4.8), its fast path a branch on |x| <= 708, ~30 flops, two table loads and one rounding
 * test; sg_exp_fast (no rounding test, branch-free) vectorises: ~2.5 ns per element in a loop and
 * equals sg_exp except for about 1 argument in 10^6. sg_log ~8 ns (glibc 5), sg_pow ~18 ns (glibc 10).
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_MATH_H
#define SG_MATH_H

#include <math.h>
#include <stdint.h>

#include "hd.h"

SG_EXTERN_C_BEGIN

/* Rarely taken slow paths are kept out of line so the fast paths stay small. */
#if defined(__CUDACC__)
#  define SG_I_COLD static __host__ __device__ __noinline__
#elif defined(__GNUC__)
#  define SG_I_COLD static inline __attribute__((cold))
#else
#  define SG_I_COLD static
#endif

/* ------------------------------------------------------------------------------------------------ */
/* Tables (generated with mpmath at 300 bits; every entry is the correctly rounded double, the second
 * part of a double-double is the correctly rounded remainder).
 *   exp: X(hi, lo) for j = 0..127, hi + lo = 2^(j/128) to ~2^-106 relative.
 *   log: X(invc, logc_hi, logc_lo) for i = 0..127: subinterval i of z in [0x1.6ap-1, 0x1.6ap+0) is the
 *        set of doubles whose bit pattern minus 0x3FE6A00000000000 has bits 45..51 equal to i;
 *        invc = RN(1/centre) (exactly 1 for i = 74, 75, the two subintervals around 1, so log(x) near 1
 *        has no cancellation), logc = -log(invc) as a double-double. */
#define SG_I_EXP_TAB(X) \
  X(0x1.0000000000000p+0, 0x0.0p+0) \
  X(0x1.0163da9fb3335p+0, 0x1.b61299ab8cdb7p-54) \
  X(0x1.02c9a3e778061p+0, -0x1.19083535b085dp-56) \
  X(0x1.04315e86e7f85p+0, -0x1.0a31c1977c96ep-54) \
  X(0x1.059b0d3158574p+0, 0x1.d73e2a475b465p-55) \
  X(0x1.0706b29ddf6dep+0, -0x1.c91dfe2b13c27p-55) \
  X(0x1.0874518759bc8p+0, 0x1.186be4bb284ffp-57) \
  X(0x1.09e3ecac6f383p+0, 0x1.1487818316136p-54) \
  X(0x1.0b5586cf9890fp+0, 0x1.8a62e4adc610bp-54) \
  X(0x1.0cc922b7247f7p+0, 0x1.01edc16e24f71p-54) \
  X(0x1.0e3ec32d3d1a2p+0, 0x1.03a1727c57b53p-59) \
  X(0x1.0fb66affed31bp+0, -0x1.b9bedc44ebd7bp-57) \
  X(0x1.11301d0125b51p+0, -0x1.6c51039449b3ap-54) \
  X(0x1.12abdc06c31ccp+0, -0x1.1b514b36ca5c7p-58) \
  X(0x1.1429aaea92de0p+0, -0x1.32fbf9af1369ep-54) \
  X(0x1.15a98c8a58e51p+0, 0x1.2406ab9eeab0ap-55) \
  X(0x1.172b83c7d517bp+0, -0x1.19041b9d78a76p-55) \
  X(0x1.18af9388c8deap+0, -0x1.11023d1970f6cp-54) \
  X(0x1.1a35beb6fcb75p+0, 0x1.e5b4c7b4968e4p-55) \
  X(0x1.1bbe084045cd4p+0, -0x1.95386352ef607p-54) \
  X(0x1.1d4873168b9aap+0, 0x1.e016e00a2643cp-54) \
  X(0x1.1ed5022fcd91dp+0, -0x1.1df98027bb78cp-54) \
  X(0x1.2063b88628cd6p+0, 0x1.dc775814a8495p-55) \
  X(0x1.21f49917ddc96p+0, 0x1.2a97e9494a5eep-55) \
  X(0x1.2387a6e756238p+0, 0x1.9b07eb6c70573p-54) \
  X(0x1.251ce4fb2a63fp+0, 0x1.ac155bef4f4a4p-55) \
  X(0x1.26b4565e27cddp+0, 0x1.2bd339940e9d9p-55) \
  X(0x1.284dfe1f56381p+0, -0x1.a4c3a8c3f0d7ep-54) \
  X(0x1.29e9df51fdee1p+0, 0x1.612e8afad1255p-55) \
  X(0x1.2b87fd0dad990p+0, -0x1.10adcd6381aa4p-59) \
  X(0x1.2d285a6e4030bp+0, 0x1.0024754db41d5p-54) \
  X(0x1.2ecafa93e2f56p+0, 0x1.1ca0f45d52383p-56) \
  X(0x1.306fe0a31b715p+0, 0x1.6f46ad23182e4p-55) \
  X(0x1.32170fc4cd831p+0, 0x1.a9ce78e18047cp-55) \
  X(0x1.33c08b26416ffp+0, 0x1.32721843659a6p-54) \
  X(0x1.356c55f929ff1p+0, -0x1.b5cee5c4e4628p-55) \
  X(0x1.371a7373aa9cbp+0, -0x1.63aeabf42eae2p-54) \
  X(0x1.38cae6d05d866p+0, -0x1.e958d3c9904bdp-54) \
  X(0x1.3a7db34e59ff7p+0, -0x1.5e436d661f5e3p-56) \
  X(0x1.3c32dc313a8e5p+0, -0x1.efff8375d29c3p-54) \
  X(0x1.3dea64c123422p+0, 0x1.ada0911f09ebcp-55) \
  X(0x1.3fa4504ac801cp+0, -0x1.7d023f956f9f3p-54) \
  X(0x1.4160a21f72e2ap+0, -0x1.ef3691c309278p-58) \
  X(0x1.431f5d950a897p+0, -0x1.1c7dde35f7999p-55) \
  X(0x1.44e086061892dp+0, 0x1.89b7a04ef80d0p-59) \
  X(0x1.46a41ed1d0057p+0, 0x1.c944bd1648a76p-54) \
  X(0x1.486a2b5c13cd0p+0, 0x1.3c1a3b69062f0p-56) \
  X(0x1.4a32af0d7d3dep+0, 0x1.9cb62f3d1be56p-54) \
  X(0x1.4bfdad5362a27p+0, 0x1.d4397afec42e2p-56) \
  X(0x1.4dcb299fddd0dp+0, 0x1.8ecdbbc6a7833p-54) \
  X(0x1.4f9b2769d2ca7p+0, -0x1.4b309d25957e3p-54) \
  X(0x1.516daa2cf6642p+0, -0x1.f768569bd93efp-55) \
  X(0x1.5342b569d4f82p+0, -0x1.07abe1db13cadp-55) \
  X(0x1.551a4ca5d920fp+0, -0x1.d689cefede59bp-55) \
  X(0x1.56f4736b527dap+0, 0x1.9bb2c011d93adp-54) \
  X(0x1.58d12d497c7fdp+0, 0x1.295e15b9a1de8p-55) \
  X(0x1.5ab07dd485429p+0, 0x1.6324c054647adp-54) \
  X(0x1.5c9268a5946b7p+0, 0x1.c4b1b816986a2p-60) \
  X(0x1.5e76f15ad2148p+0, 0x1.ba6f93080e65ep-54) \
  X(0x1.605e1b976dc09p+0, -0x1.3e2429b56de47p-54) \
  X(0x1.6247eb03a5585p+0, -0x1.383c17e40b497p-54) \
  X(0x1.6434634ccc320p+0, -0x1.c483c759d8933p-55) \
  X(0x1.6623882552225p+0, -0x1.bb60987591c34p-54) \
  X(0x1.68155d44ca973p+0, 0x1.038ae44f73e65p-57) \
  X(0x1.6a09e667f3bcdp+0, -0x1.bdd3413b26456p-54) \
  X(0x1.6c012750bdabfp+0, -0x1.2895667ff0b0dp-56) \
  X(0x1.6dfb23c651a2fp+0, -0x1.bbe3a683c88abp-57) \
  X(0x1.6ff7df9519484p+0, -0x1.83c0f25860ef6p-55) \
  X(0x1.71f75e8ec5f74p+0, -0x1.16e4786887a99p-55) \
  X(0x1.73f9a48a58174p+0, -0x1.0a8d96c65d53cp-54) \
  X(0x1.75feb564267c9p+0, -0x1.0245957316dd3p-54) \
  X(0x1.780694fde5d3fp+0, 0x1.866b80a02162dp-54) \
  X(0x1.7a11473eb0187p+0, -0x1.41577ee04992fp-55) \
  X(0x1.7c1ed0130c132p+0, 0x1.f124cd1164dd6p-54) \
  X(0x1.7e2f336cf4e62p+0, 0x1.05d02ba15797ep-56) \
  X(0x1.80427543e1a12p+0, -0x1.27c86626d972bp-54) \
  X(0x1.82589994cce13p+0, -0x1.d4c1dd41532d8p-54) \
  X(0x1.8471a4623c7adp+0, -0x1.8d684a341cdfbp-55) \
  X(0x1.868d99b4492edp+0, -0x1.fc6f89bd4f6bap-54) \
  X(0x1.88ac7d98a6699p+0, 0x1.994c2f37cb53ap-54) \
  X(0x1.8ace5422aa0dbp+0, 0x1.6e9f156864b27p-54) \
  X(0x1.8cf3216b5448cp+0, -0x1.0d55e32e9e3aap-56) \
  X(0x1.8f1ae99157736p+0, 0x1.5cc13a2e3976cp-55) \
  X(0x1.9145b0b91ffc6p+0, -0x1.dd6792e582524p-54) \
  X(0x1.93737b0cdc5e5p+0, -0x1.75fc781b57ebcp-57) \
  X(0x1.95a44cbc8520fp+0, -0x1.64b7c96a5f039p-56) \
  X(0x1.97d829fde4e50p+0, -0x1.d185b7c1b85d1p-54) \
  X(0x1.9a0f170ca07bap+0, -0x1.173bd91cee632p-54) \
  X(0x1.9c49182a3f090p+0, 0x1.c7c46b071f2bep-56) \
  X(0x1.9e86319e32323p+0, 0x1.824ca78e64c6ep-56) \
  X(0x1.a0c667b5de565p+0, -0x1.359495d1cd533p-54) \
  X(0x1.a309bec4a2d33p+0, 0x1.6305c7ddc36abp-54) \
  X(0x1.a5503b23e255dp+0, -0x1.d2f6edb8d41e1p-54) \
  X(0x1.a799e1330b358p+0, 0x1.bcb7ecac563c7p-54) \
  X(0x1.a9e6b5579fdbfp+0, 0x1.0fac90ef7fd31p-54) \
  X(0x1.ac36bbfd3f37ap+0, -0x1.f9234cae76cd0p-55) \
  X(0x1.ae89f995ad3adp+0, 0x1.7a1cd345dcc81p-54) \
  X(0x1.b0e07298db666p+0, -0x1.bdef54c80e425p-54) \
  X(0x1.b33a2b84f15fbp+0, -0x1.2805e3084d708p-57) \
  X(0x1.b59728de5593ap+0, -0x1.c71dfbbba6de3p-54) \
  X(0x1.b7f76f2fb5e47p+0, -0x1.5584f7e54ac3bp-56) \
  X(0x1.ba5b030a1064ap+0, -0x1.efcd30e54292ep-54) \
  X(0x1.bcc1e904bc1d2p+0, 0x1.23dd07a2d9e84p-55) \
  X(0x1.bf2c25bd71e09p+0, -0x1.efdca3f6b9c73p-54) \
  X(0x1.c199bdd85529cp+0, 0x1.11065895048ddp-55) \
  X(0x1.c40ab5fffd07ap+0, 0x1.b4537e083c60ap-54) \
  X(0x1.c67f12e57d14bp+0, 0x1.2884dff483cadp-54) \
  X(0x1.c8f6d9406e7b5p+0, 0x1.1acbc48805c44p-56) \
  X(0x1.cb720dcef9069p+0, 0x1.503cbd1e949dbp-56) \
  X(0x1.cdf0b555dc3fap+0, -0x1.dd83b53829d72p-55) \
  X(0x1.d072d4a07897cp+0, -0x1.cbc3743797a9cp-54) \
  X(0x1.d2f87080d89f2p+0, -0x1.d487b719d8578p-54) \
  X(0x1.d5818dcfba487p+0, 0x1.2ed02d75b3707p-55) \
  X(0x1.d80e316c98398p+0, -0x1.11ec18beddfe8p-54) \
  X(0x1.da9e603db3285p+0, 0x1.c2300696db532p-54) \
  X(0x1.dd321f301b460p+0, 0x1.2da5778f018c3p-54) \
  X(0x1.dfc97337b9b5fp+0, -0x1.1a5cd4f184b5cp-54) \
  X(0x1.e264614f5a129p+0, -0x1.7b627817a1496p-54) \
  X(0x1.e502ee78b3ff6p+0, 0x1.39e8980a9cc8fp-55) \
  X(0x1.e7a51fbc74c83p+0, 0x1.2d522ca0c8de2p-54) \
  X(0x1.ea4afa2a490dap+0, -0x1.e9c23179c2893p-54) \
  X(0x1.ecf482d8e67f1p+0, -0x1.c93f3b411ad8cp-54) \
  X(0x1.efa1bee615a27p+0, 0x1.dc7f486a4b6b0p-54) \
  X(0x1.f252b376bba97p+0, 0x1.3a1a5bf0d8e43p-54) \
  X(0x1.f50765b6e4540p+0, 0x1.9d3e12dd8a18bp-54) \
  X(0x1.f7bfdad9cbe14p+0, -0x1.dbb12d006350ap-54) \
  X(0x1.fa7c1819e90d8p+0, 0x1.74853f3a5931ep-55) \
  X(0x1.fd3c22b8f71f1p+0, 0x1.2eb74966579e7p-57)

#define SG_I_LOG_TAB(X) \
  X(0x1.691473a88d0c0p+0, -0x1.602d08af091ecp-2, -0x1.a45db7cfd9230p-56) \
  X(0x1.6719f3601671ap+0, -0x1.5a8cadbbedfa1p-2, -0x1.64f5081307f22p-60) \
  X(0x1.6524f853b4aa3p+0, -0x1.54f431b7be1a8p-2, 0x1.0b3f6ef6ae452p-58) \
  X(0x1.63356b88ac0dep+0, -0x1.4f637ebba9810p-2, 0x1.68cb3124b9245p-56) \
  X(0x1.614b36831ae94p+0, -0x1.49da7f3bcc420p-2, 0x1.d964a168ccacbp-57) \
  X(0x1.5f66434292dfcp+0, -0x1.44591e0539f49p-2, -0x1.a76d6dc2782dap-59) \
  X(0x1.5d867c3ece2a5p+0, -0x1.3edf463c1683ep-2, 0x1.c852fe587def8p-57) \
  X(0x1.5babcc647fa91p+0, -0x1.396ce359bbf53p-2, 0x1.5c5663663d163p-59) \
  X(0x1.59d61f123ccaap+0, -0x1.3401e12aecba0p-2, -0x1.f95523adc5c9fp-57) \
  X(0x1.5805601580560p+0, -0x1.2e9e2bce12286p-2, 0x1.f3ed72e23e134p-57) \
  X(0x1.56397ba7c52e2p+0, -0x1.2941afb186b7cp-2, -0x1.6a4678ebaa300p-59) \
  X(0x1.54725e6bb82fep+0, -0x1.23ec5991eba49p-2, -0x1.76eba35bbf0dfp-61) \
  X(0x1.52aff56a8054bp+0, -0x1.1e9e1678899f5p-2, -0x1.64b0dd2687939p-58) \
  X(0x1.50f22e111c4c5p+0, -0x1.1956d3b9bc2f9p-2, -0x1.0e75a3542856fp-58) \
  X(0x1.4f38f62dd4c9bp+0, -0x1.14167ef367784p-2, -0x1.ef824daaf53e9p-56) \
  X(0x1.4d843bedc2c4cp+0, -0x1.0edd060b78082p-2, -0x1.2d4b610d7d4f5p-57) \
  X(0x1.4bd3edda68fe1p+0, -0x1.09aa572e6c6d4p-2, -0x1.f9e17343426a9p-56) \
  X(0x1.4a27fad76014ap+0, -0x1.047e60cde83b7p-2, -0x1.08869cbf9e344p-56) \
  X(0x1.4880522014880p+0, -0x1.feb2233ea07cbp-3, -0x1.8de00938b4c30p-61) \
  X(0x1.46dce34596066p+0, -0x1.f474b134df228p-3, 0x1.9f1df7b5daab7p-60) \
  X(0x1.453d9e2c776cap+0, -0x1.ea4449f04aaf5p-3, 0x1.f33919ab94074p-57) \
  X(0x1.43a2730abee4dp+0, -0x1.e020cc6235ab5p-3, 0x1.f0adb91423f18p-57) \
  X(0x1.420b5265e5951p+0, -0x1.d60a17f903514p-3, 0x1.50df841a71b7ap-57) \
  X(0x1.40782d10e6566p+0, -0x1.cc000c9db3c52p-3, -0x1.67a2a8500729ep-58) \
  X(0x1.3ee8f42a5af07p+0, -0x1.c2028ab17f9b5p-3, -0x1.c11aa3853a5f0p-57) \
  X(0x1.3d5d991aa75c6p+0, -0x1.b811730b823d4p-3, 0x1.d7c46328983c6p-58) \
  X(0x1.3bd60d9232955p+0, -0x1.ae2ca6f672bd8p-3, 0x1.a4a356155f779p-57) \
  X(0x1.3a524387ac822p+0, -0x1.a454082e6ab03p-3, 0x1.e0df823a3cb3dp-58) \
  X(0x1.38d22d366088ep+0, -0x1.9a8778debaa3ap-3, -0x1.28fbfb0e3f0fcp-58) \
  X(0x1.3755bd1c945eep+0, -0x1.90c6db9fcbcdbp-3, 0x1.357718d7ca4cfp-58) \
  X(0x1.35dce5f9f2af8p+0, -0x1.871213750e994p-3, 0x1.a97a0ca115d60p-57) \
  X(0x1.34679ace01346p+0, -0x1.7d6903caf5acdp-3, 0x1.0b17c301d6e14p-57) \
  X(0x1.32f5ced6a1dfap+0, -0x1.73cb9074fd14dp-3, 0x1.721a000b4cf01p-57) \
  X(0x1.3187758e9ebb6p+0, -0x1.6a399dabbd383p-3, -0x1.76332bd4b341fp-57) \
  X(0x1.301c82ac40260p+0, -0x1.60b3100b09474p-3, -0x1.526cee0fd7f4ap-57) \
  X(0x1.2eb4ea1fed14bp+0, -0x1.5737cc9018cddp-3, 0x1.00b28ef013c72p-57) \
  X(0x1.2d50a012d50a0p+0, -0x1.4dc7b897bc1c7p-3, -0x1.b60ae1ff0e82ep-59) \
  X(0x1.2bef98e5a3711p+0, -0x1.4462b9dc9b3dcp-3, 0x1.85388d830c709p-59) \
  X(0x1.2a91c92f3c105p+0, -0x1.3b08b6757f2a7p-3, -0x1.5e1ad9be0a4cdp-57) \
  X(0x1.293725bb804a5p+0, -0x1.31b994d3a4f86p-3, 0x1.1238b5efe0665p-57) \
  X(0x1.27dfa38a1ce4dp+0, -0x1.28753bc11aba2p-3, 0x1.7394d9fa33313p-57) \
  X(0x1.268b37cd60127p+0, -0x1.1f3b925f25d44p-3, -0x1.08b27be4e6b15p-57) \
  X(0x1.2539d7e9177b2p+0, -0x1.160c8024b27b0p-3, 0x1.355bfd870afebp-59) \
  X(0x1.23eb79717605bp+0, -0x1.0ce7ecdccc28bp-3, -0x1.1b57fea88da98p-59) \
  X(0x1.22a0122a0122ap+0, -0x1.03cdc0a51ec0dp-3, -0x1.19e2d3f8b7d10p-57) \
  X(0x1.21579804855e6p+0, -0x1.f57bc7d9005dbp-4, 0x1.d361574fb24e2p-58) \
  X(0x1.2012012012012p+0, -0x1.e3707ee30487bp-4, -0x1.9399d9aaf3b33p-59) \
  X(0x1.1ecf43c7fb84cp+0, -0x1.d179788219362p-4, 0x1.b12841044a96cp-58) \
  X(0x1.1d8f5672e4abdp+0, -0x1.bf968769fca18p-4, 0x1.06e4fb7af9c69p-58) \
  X(0x1.1c522fc1ce059p+0, -0x1.adc77ee5aea8ep-4, -0x1.d7d8f39bee658p-58) \
  X(0x1.1b17c67f2bae3p+0, -0x1.9c0c32d4d254dp-4, 0x1.627a0e199f569p-58) \
  X(0x1.19e0119e0119ep+0, -0x1.8a6477a91dc29p-4, 0x1.3d4190a482421p-58) \
  X(0x1.18ab083902bdbp+0, -0x1.78d02263d82d7p-4, -0x1.cbca5b4fdb87ep-58) \
  X(0x1.1778a191bd684p+0, -0x1.674f089365a78p-4, -0x1.ca64e9980e048p-59) \
  X(0x1.1648d50fc3201p+0, -0x1.55e10050e0382p-4, -0x1.9a0629e3973e4p-58) \
  X(0x1.151b9a3fdd5c9p+0, -0x1.4485e03dbdfb0p-4, -0x1.3ba349aadbc6dp-58) \
  X(0x1.13f0e8d344724p+0, -0x1.333d7f8183f4ap-4, 0x1.adaa06e211e9ep-59) \
  X(0x1.12c8b89edc0acp+0, -0x1.2207b5c7854a1p-4, -0x1.b3f0431efb154p-58) \
  X(0x1.11a3019a74826p+0, -0x1.10e45b3cae829p-4, -0x1.9b5ed72e6d974p-58) \
  X(0x1.107fbbe011080p+0, -0x1.ffa6911ab9309p-5, 0x1.cd9f1f95c2ef1p-59) \
  X(0x1.0f5edfab325a2p+0, -0x1.dda8adc67ee59p-5, 0x1.31936790bb3b2p-59) \
  X(0x1.0e40655826011p+0, -0x1.bbcebfc68f424p-5, 0x1.cd1862f854848p-59) \
  X(0x1.0d24456359e3ap+0, -0x1.9a187b573de81p-5, -0x1.b13b26f298a6ap-64) \
  X(0x1.0c0a7868b4171p+0, -0x1.788595a3577c8p-5, -0x1.2f7c4c5b3c8bdp-62) \
  X(0x1.0af2f722eecb5p+0, -0x1.5715c4c03cee1p-5, -0x1.5101dc4ebf91fp-59) \
  X(0x1.09ddba6af8360p+0, -0x1.35c8bfaa13069p-5, 0x1.50830a65543a8p-63) \
  X(0x1.08cabb37565e2p+0, -0x1.149e3e4005a8dp-5, 0x1.a9a4168fcebebp-60) \
  X(0x1.07b9f29b8eae2p+0, -0x1.e72bf2813ce6ap-6, 0x1.8a4bba6a354fap-60) \
  X(0x1.06ab59c7912fbp+0, -0x1.a55f548c5c427p-6, -0x1.f60d2fc36a0d9p-61) \
  X(0x1.059eea0727586p+0, -0x1.63d6178690bbep-6, 0x1.18ed4d357c9dcp-60) \
  X(0x1.04949cc1664c5p+0, -0x1.228fb1fea2e0ap-6, -0x1.3284991fe3d5cp-61) \
  X(0x1.038c6b78247fcp+0, -0x1.c317384c75f0dp-7, -0x1.806208c04c21fp-61) \
  X(0x1.02864fc7729e9p+0, -0x1.41929f968330cp-7, -0x1.3aae809b43dd0p-61) \
  X(0x1.0182436517a37p+0, -0x1.8121214586b02p-8, 0x1.c7d68c0d910f2p-62) \
  X(0x1.0000000000000p+0, 0x0.0p+0, 0x0.0p+0) \
  X(0x1.0000000000000p+0, 0x0.0p+0, 0x0.0p+0) \
  X(0x1.fa11caa01fa12p-1, 0x1.7dc475f810a69p-7, 0x1.74944bc161072p-61) \
  X(0x1.f6310aca0dbb5p-1, 0x1.3cea44346a584p-6, -0x1.865ad48159d00p-61) \
  X(0x1.f25f644230ab5p-1, 0x1.b9fc027af919ap-6, -0x1.90ae69229dc86p-60) \
  X(0x1.ee9c7f8458e02p-1, 0x1.1b0d98923d97fp-5, -0x1.74d7444dd6241p-59) \
  X(0x1.eae807aba01ebp-1, 0x1.58a5bafc8e4d3p-5, -0x1.cab8569c56e40p-64) \
  X(0x1.e741aa59750e4p-1, 0x1.95c830ec8e3f2p-5, 0x1.eb41d00a417e9p-60) \
  X(0x1.e3a9179dc1a73p-1, 0x1.d276b8adb0b56p-5, 0x1.078f14c95ff53p-59) \
  X(0x1.e01e01e01e01ep-1, 0x1.075983598e471p-4, 0x1.006d2999e22dcp-58) \
  X(0x1.dca01dca01dcap-1, 0x1.253f62f0a1417p-4, 0x1.1f6d34e01d981p-61) \
  X(0x1.d92f2231e7f8ap-1, 0x1.42edcbea646eep-4, -0x1.511583653349bp-58) \
  X(0x1.d5cac807572b2p-1, 0x1.60658a93750c4p-4, -0x1.f108b1d8436d3p-59) \
  X(0x1.d272ca3fc5b1ap-1, 0x1.7da766d7b12d0p-4, 0x1.a2240644d7da2p-59) \
  X(0x1.cf26e5c44bfc6p-1, 0x1.9ab42462033aep-4, -0x1.a099e1c184e8ep-59) \
  X(0x1.cbe6d9601cbe7p-1, 0x1.b78c82bb0eda0p-4, -0x1.3ef0e61f9b03cp-58) \
  X(0x1.c8b265afb8a42p-1, 0x1.d4313d66cb35dp-4, 0x1.b90dd951d90fap-58) \
  X(0x1.c5894d10d4986p-1, 0x1.f0a30c01162a4p-4, 0x1.8be64b8b7759bp-59) \
  X(0x1.c26b5392ea01cp-1, 0x1.0671512ca596fp-3, -0x1.2f39b81479b67p-58) \
  X(0x1.bf583ee868d8bp-1, 0x1.14785846742acp-3, 0x1.94409f1d3f83ap-60) \
  X(0x1.bc4fd65883e7bp-1, 0x1.2266f190a5acdp-3, -0x1.dab840e7f6177p-57) \
  X(0x1.b951e2b18ff23p-1, 0x1.303d718e47fd5p-3, -0x1.b5ae71f658247p-57) \
  X(0x1.b65e2e3beee05p-1, 0x1.3dfc2b0ecc62ap-3, 0x1.ba62b8c13f7f4p-57) \
  X(0x1.b37484ad806cep-1, 0x1.4ba36f39a55e5p-3, -0x1.f767e433c98aap-57) \
  X(0x1.b094b31d922a4p-1, 0x1.59338d9982085p-3, 0x1.8d16eaaba9419p-57) \
  X(0x1.adbe87f94905ep-1, 0x1.66acd4272ad51p-3, -0x1.9201c9c3d5165p-59) \
  X(0x1.aaf1d2f87ebfdp-1, 0x1.740f8f54037a3p-3, 0x1.6d9bf9d57b326p-58) \
  X(0x1.a82e65130e159p-1, 0x1.815c0a14357e9p-3, 0x1.141b7f8c5fa9ep-58) \
  X(0x1.a574107688a4ap-1, 0x1.8e928de886d41p-3, 0x1.2589eb96a6240p-59) \
  X(0x1.a2c2a87c51ca0p-1, 0x1.9bb362e7dfb85p-3, -0x1.51439c1ff83e7p-58) \
  X(0x1.a01a01a01a01ap-1, 0x1.a8becfc882f19p-3, -0x1.a8c37918c39ebp-58) \
  X(0x1.9d79f176b682dp-1, 0x1.b5b519e8fb5a6p-3, -0x1.d5d8023e61e5fp-57) \
  X(0x1.9ae24ea5510dap-1, 0x1.c2968558c18c2p-3, 0x1.6108e3ae024acp-60) \
  X(0x1.9852f0d8ec0ffp-1, 0x1.cf6354e09c5ddp-3, 0x1.339a07d55b696p-57) \
  X(0x1.95cbb0be377aep-1, 0x1.dc1bca0abec7bp-3, 0x1.c698a33316dfbp-58) \
  X(0x1.934c67f9b2ce6p-1, 0x1.e8c0252aa5a60p-3, -0x1.dc074737f9135p-60) \
  X(0x1.90d4f120190d5p-1, 0x1.f550a564b7b37p-3, -0x1.13a09202fe73dp-57) \
  X(0x1.8e6527af1373fp-1, 0x1.00e6c45ad501dp-2, -0x1.3b9568ff6feadp-57) \
  X(0x1.8bfce8062ff3ap-1, 0x1.071b85fcd590dp-2, 0x1.08b83fcbdef40p-57) \
  X(0x1.899c0f601899cp-1, 0x1.0d46b579ab74bp-2, 0x1.21f640e1e5ec9p-56) \
  X(0x1.87427bcc092b9p-1, 0x1.136870293a8b0p-2, 0x1.86cc531dba494p-57) \
  X(0x1.84f00c2780614p-1, 0x1.1980d2dd4236fp-2, -0x1.02c2e4f1b2eb9p-56) \
  X(0x1.82a4a0182a4a0p-1, 0x1.1f8ff9e48a2f3p-2, -0x1.93fbf3418960dp-57) \
  X(0x1.8060180601806p-1, 0x1.2596010df763ap-2, -0x1.9eed8ae0ebd3cp-59) \
  X(0x1.7e225515a4f1dp-1, 0x1.2b9303ab89d25p-2, -0x1.85ad7f614ab51p-58) \
  X(0x1.7beb3922e017cp-1, 0x1.31871c9544185p-2, -0x1.ea3598981366fp-57) \
  X(0x1.79baa6bb6398bp-1, 0x1.3772662bfd85cp-2, 0x1.02a7589fba088p-57) \
  X(0x1.77908119ac60dp-1, 0x1.3d54fa5c1f710p-2, 0x1.53668e578d9cdp-58) \
  X(0x1.756cac201756dp-1, 0x1.432ef2a04e813p-2, -0x1.83262e2b59206p-57) \
  X(0x1.734f0c541fe8dp-1, 0x1.49006804009d0p-2, -0x1.bff0d07c5df6dp-59) \
  X(0x1.713786d9c7c09p-1, 0x1.4ec9732600269p-2, -0x1.1aa87d977dc5ep-56) \
  X(0x1.6f26016f26017p-1, 0x1.548a2c3add263p-2, -0x1.58ce7bf1846eep-56) \
  X(0x1.6d1a62681c861p-1, 0x1.5a42ab0f4cfe2p-2, -0x1.c6bcb7dee9a3dp-56) \
  X(0x1.6b1490aa31a3dp-1, 0x1.5ff3070a793d4p-2, -0x1.063077d7e37b7p-56)

#define SG_I_TAB2(h, l) h, l,
#define SG_I_TAB3(a, h, l) a, h, l,
static const double sg_i_exp_tab_h[256] = {SG_I_EXP_TAB(SG_I_TAB2)};
static const double sg_i_log_tab_h[384] = {SG_I_LOG_TAB(SG_I_TAB3)};
#ifdef __CUDACC__
static __device__ const double sg_i_exp_tab_d[256] = {SG_I_EXP_TAB(SG_I_TAB2)};
static __device__ const double sg_i_log_tab_d[384] = {SG_I_LOG_TAB(SG_I_TAB3)};
#endif
SG_HD const double *sg_i_exp_tab(void) {
#ifdef __CUDA_ARCH__
  return sg_i_exp_tab_d;
#else
  return sg_i_exp_tab_h;
#endif
}
SG_HD const double *sg_i_log_tab(void) {
#ifdef __CUDA_ARCH__
  return sg_i_log_tab_d;
#else
  return sg_i_log_tab_h;
#endif
}

/* ------------------------------------------------------------------------------------------------ */
/* Constants. */
#define SG_I_SHIFT 0x1.8p52                  /* (x + SHIFT) - SHIFT rounds x to an integer, |x| < 2^51 */
#define SG_I_INVLN2N 0x1.71547652b82fep+7    /* 128 / ln 2 */
#define SG_I_C1 0x1.62e42fefc0000p-8         /* ln2/128, 35 bits: kd * C1 is exact for |kd| < 2^18 */
#define SG_I_C2 (-0x1.c610ca86c3899p-44)     /* C1 + C2 + C3 = ln2/128 to 2^-160 */
#define SG_I_C3 0x1.803f2f6af40f3p-99
#define SG_I_L1 0x1.62e42fefa3800p-1         /* ln 2, 42 bits: e * L1 exact for |e| < 2^11 */
#define SG_I_L2 0x1.ef35793c76730p-45
#define SG_I_L3 0x1.f97b57a079a19p-103
#define SG_I_LOG_OFF 0x3FE6A00000000000ull   /* 0x1.6ap-1: z = x * 2^-k lies in [OFF, 2 OFF) */

/* Error bounds of the fast paths (see the derivations at each function). Measured maxima against
 * __float128 references (10^6-10^7 points, worst regions sampled densely): exp 2^-68.5 absolute
 * (bound 2^-66), log 2^-66.8 relative, reached for x just below 1 + 2^-7 (bound 2^-64). The
 * accurate paths: exp 2^-107 absolute (bound >= 2^-101), log 2^-105.3 relative (bound 2^-102). */
#define SG_I_EXP_EB 0x1p-66    /* M = T(1+p) in [0.997, 2): absolute error bound of hi + lo */
#define SG_I_LOG_EB 0x1p-64    /* relative error bound of hi + lo ~ log(x) */

/* ------------------------------------------------------------------------------------------------ */
/* Double-double building blocks (exact error-free transformations). */
SG_HD void sg_i_fast2sum(double a, double b, double *s, double *e) {   /* |a| >= |b| or a == 0 */
  double t = a + b;
  *e = b - (t - a);
  *s = t;
}
SG_HD void sg_i_2sum(double a, double b, double *s, double *e) {
  double t = a + b, bb = t - a;
  *e = (a - (t - bb)) + (b - bb);
  *s = t;
}
SG_HD void sg_i_2prod(double a, double b, double *p, double *e) {
  double t = a * b;
  *e = fma(a, b, -t);
  *p = t;
}
/* (h,l) = (ah,al) * b, relative error ~2^-104 */
SG_HD void sg_i_dd_mul_d(double ah, double al, double b, double *h, double *l) {
  double p, e;
  sg_i_2prod(ah, b, &p, &e);
  e = fma(al, b, e);
  sg_i_fast2sum(p, e, h, l);
}
/* (h,l) = (ah,al) * (bh,bl) */
SG_HD void sg_i_dd_mul(double ah, double al, double bh, double bl, double *h, double *l) {
  double p, e;
  sg_i_2prod(ah, bh, &p, &e);
  e += ah * bl + al * bh;
  sg_i_fast2sum(p, e, h, l);
}
/* (h,l) = (ah,al) + (bh,bl) */
SG_HD void sg_i_dd_add(double ah, double al, double bh, double bl, double *h, double *l) {
  double s, e;
  sg_i_2sum(ah, bh, &s, &e);
  e += al + bl;
  sg_i_fast2sum(s, e, h, l);
}

/* RO(a + b): a + b rounded to odd (truncate, then set the last bit if inexact). */
SG_HD double sg_i_ro_sum(double a, double b) {
  double s, e;
  sg_i_2sum(a, b, &s, &e);
  if (e != 0.0) {
    uint64_t u = sg_d2bits(s);
    if (!(u & 1u)) u += ((e > 0.0) == (s > 0.0)) ? (uint64_t)1 : ~(uint64_t)0;
    s = sg_bits2d(u);
  }
  return s;
}
/* RN(h + m + l) exactly, for |m + l| <= 2^40 ulp(h): rounding the tail to odd keeps it on the same
 * side of every rounding boundary of h's format (Boldo-Melquiond), so the final add rounds once. */
SG_HD double sg_i_rn3(double h, double m, double l) { return h + sg_i_ro_sum(m, l); }

/* Ziv test for a triple: if RN(h+m+l+d) is the same double for every |d| <= eb, store it and return 1.
 * The margin covers the rounding of l -+ eb (monotonicity of RN and RO does the rest). */
SG_HD int sg_i_round3(double h, double m, double l, double eb, double *r) {
  double ebp = eb * (1.0 + 0x1p-50) + fabs(l) * 0x1p-52;
  double lo = sg_i_rn3(h, m, l - ebp), hi = sg_i_rn3(h, m, l + ebp);
  *r = lo;
  return lo == hi;
}

/* 2^e as a double, -1022 <= e <= 1023. */
SG_HD double sg_i_pow2i(int e) { return sg_bits2d((uint64_t)(int64_t)(e + 1023) << 52); }

/* Correctly rounded 2^e * (h + m + l + d) for every |d| <= eb, if decidable; h in about [0.99, 2).
 * Handles overflow (result +inf) and subnormal / zero results. Returns 1 if decided. */
SG_HD int sg_i_scale_round(int e, double h, double m, double l, double eb, double *res) {
  double r;
  int ok;
  if (e > -1022 || (e == -1022 && h >= 1.0)) {          /* normal result (or overflow) */
    ok = sg_i_round3(h, m, l, eb, &r);
    if (e <= 1023) *res = r * sg_i_pow2i(e);
    else *res = r * sg_i_pow2i(e - 2) * 4.0;            /* may overflow to +inf: correct */
    return ok;
  }
  if (e < -1077) { *res = 0.0; return 1; }             /* below 2^-1076: rounds to +0 */
  {
    /* Result below 2^-1022: RN on the subnormal grid 2^-1074 equals RN(A + V) - A in the scaled
     * domain, A = 2^(-1022-e), where A + V lies in [A, 2A) whose spacing is the subnormal grid. */
    double A = sg_i_pow2i(-1022 - e), s, t, u, v, lo, hi, ebp;
    sg_i_2sum(A, h, &s, &t);
    sg_i_2sum(t, m, &u, &v);
    ebp = eb * (1.0 + 0x1p-50) + (fabs(v) + fabs(l) + eb) * 0x1p-51;
    lo = sg_i_rn3(s, u, (v + l) - ebp);
    hi = sg_i_rn3(s, u, (v + l) + ebp);
    *res = ((lo - A) * sg_i_pow2i(e + 100)) * 0x1p-100;  /* both steps exact */
    return lo == hi;
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* exp core, fast: exp(xh + xl) ~ 2^e * (hi + lo), hi + lo in [0.997, 2), |xh| <= 746, |xl| <= 2^-40.
 * x = (128 e + j) ln2/128 + r, |r| <= ln2/256 + 2^-40; exp(x) = 2^e * T_j * exp(r), T_j = 2^(j/128).
 * r = rh + rl: x - kd*C1 is exact (Sterbenz), the rest is a two_sum (error ~2^-78 from kd*C2's
 * rounding and the C1+C2 truncation). exp(r) = 1 + rh + pl, pl = rl(1+rh) + rh^2(1/2 + ... rh^5/7!),
 * truncation rh^8/8! < 2^-83, rounding of pl < 2^-70. M = Th + Th*rh (exact 2prod + fast2sum) and
 * lo = Th*pl + (small terms) with one rounding (< 2^-70.5): total < 2^-68.5 absolute, bound 2^-66. */
SG_HD void sg_i_exp_fast(double xh, double xl, int *e, double *hi, double *lo) {
  const double *T = sg_i_exp_tab();
  double ks = xh * SG_I_INVLN2N + SG_I_SHIFT, kd = ks - SG_I_SHIFT;
  /* the integer sits in the low mantissa bits of ks (no float->int conversion, so NaN is harmless) */
  int ki = (int)(int32_t)(uint32_t)sg_d2bits(ks), j = ki & 127;
  double ra = xh - kd * SG_I_C1, rh, rl, q, pl, Th, Tl, ah, al, h, e1;
  sg_i_2sum(ra, -(kd * SG_I_C2), &rh, &rl);
  rl += xl;
  q = rh * rh *
      (0.5 + rh * (0x1.5555555555555p-3 +
                   rh * (0x1.5555555555555p-5 +
                         rh * (0x1.1111111111111p-7 + rh * (0x1.6c16c16c16c17p-10 + rh * 0x1.a01a01a01a01ap-13)))));
  pl = fma(rl, rh, rl) + q;
  Th = T[2 * j];
  Tl = T[2 * j + 1];
  sg_i_2prod(Th, rh, &ah, &al);
  sg_i_fast2sum(Th, ah, &h, &e1);
  *lo = fma(Th, pl, (e1 + al) + fma(Tl, rh, Tl));
  *hi = h;
  *e = (ki - j) / 128;
}

/* exp core, accurate: exp(xh + xl) ~ 2^e * (h + m + l) with absolute error <= eb (not counting the
 * error of xh + xl itself). r = rh + rl to ~2^-114 (exact when kd == 0); expm1(rh) by its Taylor series
 * to degree 10 (truncation 2^-110 relative), degrees 2-5 in double-double; then T * (1 + p) as a triple.
 * Error: ~2^-104 relative from the double-double operations and the table; bound below with margin. */
typedef struct sg_i_tri {
  double h, m, l, eb;
  int e, j;
} sg_i_tri;

SG_HD sg_i_tri sg_i_exp_acc(double xh, double xl) {
  const double *T = sg_i_exp_tab();
  sg_i_tri R;
  double kd = (xh * SG_I_INVLN2N + SG_I_SHIFT) - SG_I_SHIFT;
  int ki = (int)kd, j = ki & 127;
  double a = xh - kd * SG_I_C1, b, be, ph, pe, c, ce, rh, rl, t, sh, sl, r2h, r2l, Ph, Pl, p, pel, Th, Tl;
  double qh, ql, m1, m, l0;
  sg_i_2sum(a, xl, &b, &be);
  sg_i_2prod(kd, SG_I_C2, &ph, &pe);
  sg_i_2sum(b, -ph, &c, &ce);
  sg_i_2sum(c, ((be + ce) - pe) - kd * SG_I_C3, &rh, &rl);
  /* S = 1/2 + rh/3! + rh^2/4! + ... (so expm1(rh) = rh + rh^2 S) */
  t = 0x1.6c16c16c16c17p-10 +
      rh * (0x1.a01a01a01a01ap-13 + rh * (0x1.a01a01a01a01ap-16 + rh * (0x1.71de3a556c734p-19 + rh * 0x1.27e4fb7789f5cp-22)));
  sg_i_dd_mul_d(t, 0.0, rh, &sh, &sl);
  sg_i_dd_add(0x1.1111111111111p-7, 0x1.1111111111111p-63, sh, sl, &sh, &sl);
  sg_i_dd_mul_d(sh, sl, rh, &sh, &sl);
  sg_i_dd_add(0x1.5555555555555p-5, 0x1.5555555555555p-59, sh, sl, &sh, &sl);
  sg_i_dd_mul_d(sh, sl, rh, &sh, &sl);
  sg_i_dd_add(0x1.5555555555555p-3, 0x1.5555555555555p-57, sh, sl, &sh, &sl);
  sg_i_dd_mul_d(sh, sl, rh, &sh, &sl);
  sg_i_dd_add(0.5, 0.0, sh, sl, &sh, &sl);
  sg_i_2prod(rh, rh, &r2h, &r2l);
  sg_i_dd_mul(r2h, r2l, sh, sl, &Ph, &Pl);
  sg_i_2sum(rh, Ph, &p, &pel);                /* p + pel = expm1(rh) */
  pel += Pl;
  pel += rl + rl * p;                         /* exp(rh + rl) = exp(rh)(1 + rl), rl^2 < 2^-120 */
  sg_i_fast2sum(p, pel, &p, &pel);
  Th = T[2 * j];
  Tl = T[2 * j + 1];
  sg_i_dd_mul(Th, Tl, p, pel, &qh, &ql);      /* T * p */
  sg_i_2sum(Th, qh, &R.h, &m1);
  sg_i_2sum(m1, Tl, &m, &l0);
  R.m = m;
  R.l = l0 + ql;
  R.eb = (j ? 0x1p-101 : 0.0) + fabs(p) * 0x1p-100 + 0x1p-1000;
  R.e = (ki - j) / 128;
  R.j = j;
  return R;
}

/* exp for the cases the fast path leaves: NaN, infinities, |x| > 708, and undecided roundings. */
SG_I_COLD double sg_i_exp_slow(double x) {
  sg_i_tri R;
  double r;
  int e;
  double hi, lo;
  if (x != x) return x + x;
  if (x > 709.8) return sg_bits2d(0x7ff0000000000000ull);  /* +inf */
  if (x < -745.2) return 0.0;
  sg_i_exp_fast(x, 0.0, &e, &hi, &lo);
  if (sg_i_scale_round(e, hi, lo, 0.0, SG_I_EXP_EB, &r)) return r;
  R = sg_i_exp_acc(x, 0.0);
  sg_i_scale_round(R.e, R.h, R.m, R.l, R.eb, &r);  /* undecided at 2^-100: best approximation */
  return r;
}

/** e^x without the rounding test: branch-free (vectorisable), |error| < 0.50002 ulp, equal to sg_exp
 * except for about 1 argument in 10^6 (measured 1.3e-6; then 1 ulp apart).
 * Overflow gives +inf, NaN gives NaN; results below 2^-1022 are computed by two scalings and may be
 * 1 subnormal ulp off (x < -708.39). Host and device give identical bits, like every function here. */
SG_HD double sg_exp_fast(double x) {
  double hi, lo, xc;
  int e, e1;
  xc = x < -746.0 ? -746.0 : x;                 /* keeps NaN (comparisons false) */
  xc = xc > 710.0 ? 710.0 : xc;
  sg_i_exp_fast(xc, 0.0, &e, &hi, &lo);
  e1 = e / 2;                                   /* e in [-1077, 1025]: two exact-range factors */
  return ((hi + lo) * sg_i_pow2i(e1)) * sg_i_pow2i(e - e1);
}

/** e^x, correctly rounded (see the header comment). */
SG_HD double sg_exp(double x) {
  double hi, lo, y1, y2;
  int e;
  if (!(fabs(x) <= 708.0)) return sg_i_exp_slow(x);
  sg_i_exp_fast(x, 0.0, &e, &hi, &lo);
  y1 = hi + (lo - SG_I_EXP_EB);
  y2 = hi + (lo + SG_I_EXP_EB);
  if (y1 != y2) return sg_i_exp_slow(x);
  return y1 * sg_i_pow2i(e);
}

/* ------------------------------------------------------------------------------------------------ */
/* log core, fast: x positive normal. x = 2^k z, z in [OFF, 2 OFF), log x = k ln2 + logc_i + log1p(r),
 * r = z*invc - 1 = rh + rl exactly (2prod, Sterbenz, fast2sum), |r| <= 2^-8 (2^-7 for i = 75).
 * log1p(r) = rh - rh^2/2 (exact) + rh^3 P(rh) + rl(1 - rh), P to degree r^10 (truncation
 * r^11/11 < 2^-73 relative); the big terms are summed with fast2sum (exact). Error: the roundings of
 * the cubic term (rh^2 rh) P (about 3 ulps of a term < 2^-22.6) and of the final sum of small terms:
 * relative < 2^-66.5 since |log x| >= min(|r|/1.01, 2^-8.5) whenever these terms are that large.
 * Bound 2^-64 relative. pow uses the same bound: t = y log x then has an absolute error < |t| 2^-64. */
SG_HD void sg_i_log_fast(double x, double *hi, double *lo) {
  const double *T = sg_i_log_tab();
  uint64_t ix = sg_d2bits(x), tmp = ix - SG_I_LOG_OFF;
  int i = (int)((tmp >> 45) & 127u);
  int k = (int)((tmp + 0x8000000000000000ull) >> 52) - 2048;   /* arithmetic tmp >> 52 */
  double z = sg_bits2d(ix - (tmp & 0xfff0000000000000ull));
  double invc = T[3 * i], lch = T[3 * i + 1], lcl = T[3 * i + 2];
  double ph, pl, rh, rl, kd = (double)k, w, we, w2, we2, sh, sl, h, we3, P;
  sg_i_2prod(z, invc, &ph, &pl);
  sg_i_fast2sum(ph - 1.0, pl, &rh, &rl);
  sg_i_fast2sum(kd * SG_I_L1, lch, &w, &we);
  sg_i_fast2sum(w, rh, &w2, &we2);
  sg_i_2prod(rh, rh, &sh, &sl);
  sg_i_fast2sum(w2, -0.5 * sh, &h, &we3);
  P = 0x1.5555555555555p-2 +
      rh * (-0.25 + rh * (0x1.999999999999ap-3 +
                          rh * (-0x1.5555555555555p-3 +
                                rh * (0x1.2492492492492p-3 +
                                      rh * (-0.125 + rh * (0x1.c71c71c71c71cp-4 + rh * -0x1.999999999999ap-4))))));
  *lo = ((we + we2) + (we3 - 0.5 * sl)) + ((kd * SG_I_L2 + lcl) + (fma(-rl, rh, rl) + (sh * rh) * P));
  *hi = h;
}

/* log core, accurate: log(x) ~ h + m + l, relative error <= 2^-102 (bound returned in eb, absolute).
 * Same reduction; log1p(rh) to degree 16 (truncation 2^-105 relative), degrees 2-8 in double-double;
 * rl/(1+rh) for the low part; k ln2 = k L1 + k L2 (exact product) + k L3. */
SG_HD sg_i_tri sg_i_log_acc(double x) {
  const double *T = sg_i_log_tab();
  sg_i_tri R;
  uint64_t ix = sg_d2bits(x), tmp = ix - SG_I_LOG_OFF;
  int i = (int)((tmp >> 45) & 127u);
  int k = (int)((tmp + 0x8000000000000000ull) >> 52) - 2048;
  double z = sg_bits2d(ix - (tmp & 0xfff0000000000000ull));
  double invc = T[3 * i], lch = T[3 * i + 1], lcl = T[3 * i + 2];
  double ph, pl, rh, rl, kd = (double)k, t, sh, sl, r2h, r2l, Fh, Fl, Bh, Bl, s, e1, e2, e3, mh, ml, u, v;
  sg_i_2prod(z, invc, &ph, &pl);
  sg_i_fast2sum(ph - 1.0, pl, &rh, &rl);
  /* S(rh) = -1/2 + rh/3 - rh^2/4 + ... so that log1p(rh) = rh + rh^2 S */
  t = 0x1.c71c71c71c71cp-4 +
      rh * (-0x1.999999999999ap-4 +
            rh * (0x1.745d1745d1746p-4 +
                  rh * (-0x1.5555555555555p-4 +
                        rh * (0x1.3b13b13b13b14p-4 + rh * (-0x1.2492492492492p-4 + rh * (0x1.1111111111111p-4 + rh * -0.0625))))));
  sg_i_dd_mul_d(t, 0.0, rh, &sh, &sl);
  sg_i_dd_add(-0.125, 0.0, sh, sl, &sh, &sl);
  sg_i_dd_mul_d(sh, sl, rh, &sh, &sl);
  sg_i_dd_add(0x1.2492492492492p-3, 0x1.2492492492492p-57, sh, sl, &sh, &sl);
  sg_i_dd_mul_d(sh, sl, rh, &sh, &sl);
  sg_i_dd_add(-0x1.5555555555555p-3, -0x1.5555555555555p-57, sh, sl, &sh, &sl);
  sg_i_dd_mul_d(sh, sl, rh, &sh, &sl);
  sg_i_dd_add(0x1.999999999999ap-3, -0x1.999999999999ap-57, sh, sl, &sh, &sl);
  sg_i_dd_mul_d(sh, sl, rh, &sh, &sl);
  sg_i_dd_add(-0.25, 0.0, sh, sl, &sh, &sl);
  sg_i_dd_mul_d(sh, sl, rh, &sh, &sl);
  sg_i_dd_add(0x1.5555555555555p-2, 0x1.5555555555555p-56, sh, sl, &sh, &sl);
  sg_i_dd_mul_d(sh, sl, rh, &sh, &sl);
  sg_i_dd_add(-0.5, 0.0, sh, sl, &sh, &sl);
  sg_i_2prod(rh, rh, &r2h, &r2l);
  sg_i_dd_mul(r2h, r2l, sh, sl, &Fh, &Fl);
  sg_i_2sum(rh, Fh, &Fh, &e1);                 /* F = log1p(rh) */
  Fl += e1 + rl / (1.0 + rh);
  sg_i_fast2sum(Fh, Fl, &Fh, &Fl);
  sg_i_2prod(kd, SG_I_L2, &Bh, &Bl);           /* k L2 exactly */
  /* sum: k L1 (exact) + lch + Fh + Bh, then the low parts lcl + Fl + Bl + k L3 */
  sg_i_fast2sum(kd * SG_I_L1, lch, &s, &e1);
  sg_i_2sum(s, Fh, &s, &e2);
  sg_i_2sum(s, Bh, &s, &e3);
  sg_i_2sum(e1, e2, &mh, &ml);
  sg_i_2sum(mh, e3, &mh, &u);
  ml += u;
  sg_i_2sum(mh, lcl, &mh, &u);
  ml += u;
  sg_i_2sum(mh, Fl, &mh, &u);
  ml += u;
  sg_i_2sum(mh, Bl, &mh, &u);
  ml += u + kd * SG_I_L3;
  sg_i_2sum(s, mh, &s, &v);                    /* renormalise the triple */
  sg_i_2sum(v, ml, &mh, &ml);
  R.h = s;
  R.m = mh;
  R.l = ml;
  R.eb = fabs(s) * 0x1p-102;
  R.e = 0;
  R.j = i;
  return R;
}

/* log for NaN, negative, zero, subnormal, +inf and undecided roundings. */
SG_I_COLD double sg_i_log_slow(double x) {
  uint64_t ix = sg_d2bits(x);
  sg_i_tri R;
  double r, hi, lo, kadj = 0.0;
  if (x != x) return x + x;
  if (ix >= 0x7ff0000000000000ull) {            /* +inf or negative (NaN done) */
    if (ix == 0x7ff0000000000000ull) return x;
    if ((ix << 1) == 0) return -sg_bits2d(0x7ff0000000000000ull);  /* -0 */
    return sg_bits2d(0x7ff8000000000000ull);   /* negative: NaN */
  }
  if (ix == 0) return -sg_bits2d(0x7ff0000000000000ull);           /* +0 */
  if (ix < 0x0010000000000000ull) {             /* subnormal: log(x 2^64) - 64 ln2, both exact parts */
    x *= 0x1p64;
    kadj = 64.0;
  }
  if (kadj == 0.0) {
    sg_i_log_fast(x, &hi, &lo);
    if (sg_i_round3(hi, lo, 0.0, fabs(hi) * SG_I_LOG_EB, &r)) return r;
  }
  R = sg_i_log_acc(x);
  if (kadj != 0.0) {
    /* subtract 64 ln2 = 64 L1 (exact) + 64 L2 + 64 L3 (exact scalings) from the triple */
    double s, a, b, c;
    sg_i_2sum(R.h, -64.0 * SG_I_L1, &s, &a);
    sg_i_2sum(a, R.m, &b, &c);
    sg_i_2sum(b, -64.0 * SG_I_L2, &b, &a);
    c += a + (R.l - 64.0 * SG_I_L3);
    sg_i_2sum(s, b, &R.h, &a);
    sg_i_2sum(a, c, &R.m, &R.l);
    R.eb = fabs(R.h) * 0x1p-101;
  }
  sg_i_round3(R.h, R.m, R.l, R.eb, &r);
  return r;
}

/** Natural logarithm, correctly rounded (see the header comment). */
SG_HD double sg_log(double x) {
  double hi, lo, eb, y1, y2;
  if (sg_d2bits(x) - 0x0010000000000000ull >= 0x7fe0000000000000ull) return sg_i_log_slow(x);
  sg_i_log_fast(x, &hi, &lo);
  eb = fabs(hi) * SG_I_LOG_EB;
  y1 = hi + (lo - eb);
  y2 = hi + (lo + eb);
  if (y1 != y2) return sg_i_log_slow(x);
  return y1;
}

/* ------------------------------------------------------------------------------------------------ */
/* expm1 */
SG_I_COLD double sg_i_expm1_slow(double x) {
  sg_i_tri R;
  double r, s, a, b, c, sc;
  if (x != x) return x + x;
  if (x > 709.8) return sg_bits2d(0x7ff0000000000000ull);
  if (x < -40.0) return -1.0;                    /* expm1(x) in (-1, -1 + 2^-57): rounds to -1 */
  if (x > 80.0) return sg_exp(x);                /* exp(x) > 2^115: the -1 is below the 2^-100 bound */
  R = sg_i_exp_acc(x, 0.0);
  sc = sg_i_pow2i(R.e);
  /* 2^e (h + m + l) - 1 as a triple (all scalings exact) */
  sg_i_2sum(R.h * sc, -1.0, &s, &a);
  sg_i_2sum(a, R.m * sc, &b, &c);
  c += R.l * sc;
  sg_i_2sum(s, b, &s, &a);
  sg_i_2sum(a, c, &b, &c);
  sg_i_round3(s, b, c, R.eb * sc, &r);
  return r;
}

/** e^x - 1, correctly rounded (see the header comment). */
SG_HD double sg_expm1(double x) {
  double hi, lo, s, t, sc, eb;
  int e;
  if (!(x >= -40.0 && x <= 80.0)) return sg_i_expm1_slow(x);
  if (fabs(x) < 0x1p-9) {
    /* expm1(x) = x + x^2/2 + x^3 (1/6 + x/24 + ...): x^2 exact (2prod); error < 2^-72 |x| */
    double sh, sl, q;
    if (x == 0.0) return x;                      /* keeps -0 */
    sg_i_2prod(x, x, &sh, &sl);
    q = (sh * x) * (0x1.5555555555555p-3 +
                    x * (0x1.5555555555555p-5 + x * (0x1.1111111111111p-7 + x * (0x1.6c16c16c16c17p-10 + x * 0x1.a01a01a01a01ap-13))));
    sg_i_fast2sum(x, 0.5 * sh, &hi, &lo);
    lo += 0.5 * sl + q;
    eb = fabs(x) * 0x1p-69;
  } else {
    sg_i_exp_fast(x, 0.0, &e, &hi, &lo);
    sc = sg_i_pow2i(e);
    sg_i_2sum(hi * sc, -1.0, &s, &t);
    hi = s;
    lo = t + lo * sc;
    eb = SG_I_EXP_EB * sc;
  }
  {
    double y1 = hi + (lo - eb), y2 = hi + (lo + eb);
    if (y1 != y2) return sg_i_expm1_slow(x);
    return y1;
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* pow */

/* Exact cases that Ziv's loop cannot decide: y = n / 2^s with x a perfect 2^s-th power a and a^n
 * exactly representable in 64 bits (then x^y may be exact or a rounding midpoint). Returns 1 and the
 * correctly rounded value when it applies (x > 0 finite, result in the normal range). */
SG_HD int sg_i_pow_exact(double x, double y, double *res) {
  int s;
  double a = x, ys = y;
  for (s = 0; s <= 6; ++s) {
    if (ys == floor(ys) && fabs(ys) <= 64.0) break;
    ys *= 2.0;
    {
      double q = sqrt(a);
      if (fma(q, q, -a) != 0.0) return 0;        /* not a perfect square: x^y irrational or huge */
      a = q;
    }
  }
  if (s > 6 || ys <= 0.0) return 0;              /* negative powers: never a midpoint */
  {
    uint64_t ia = sg_d2bits(a), m = (ia & 0x000fffffffffffffull) | 0x0010000000000000ull, acc = 1;
    int ea = (int)(ia >> 52) - 1075, n = (int)ys, i;
    double hi, lo;
    if ((ia >> 52) == 0) return 0;               /* subnormal base: leave to the approximation */
    while (!(m & 1u)) { m >>= 1; ++ea; }
    for (i = 0; i < n; ++i) {
      if (m != 0 && acc > 0xffffffffffffffffull / m) return 0;
      acc *= m;
    }
    /* value = acc * 2^(ea*n): split acc into an exact double pair, then scale */
    hi = (double)(acc >> 11 << 11);
    lo = (double)(acc & 0x7ffu);
    {
      long en = (long)ea * n;
      double v = hi + lo;                        /* RN(acc): hi + lo is exact, so one rounding */
      int ev = (int)((sg_d2bits(v) >> 52) & 0x7ff) - 1023;
      if (en + ev > 1023 || en + ev < -1022) return 0;
      if (en >= -1022 && en <= 1023) *res = v * sg_i_pow2i((int)en);
      else if (en > 1023) *res = v * sg_i_pow2i((int)en - 1023) * sg_i_pow2i(1023);
      else *res = v * sg_i_pow2i((int)en + 1022) * sg_i_pow2i(-1022);
      return 1;
    }
  }
}

/* y is an integer: 0 = no, 1 = odd, 2 = even */
SG_HD int sg_i_int_class(double y) {
  if (y != floor(y)) return 0;
  if (fabs(y) >= 0x1p53) return 2;
  return (0.5 * y != floor(0.5 * y)) ? 1 : 2;
}

SG_I_COLD double sg_i_pow_slow(double x, double y) {
  const double inf = sg_bits2d(0x7ff0000000000000ull);
  double sign = 1.0, ax, th, tl, r, lh, ll;
  int e, ok;
  double hi, lo;
  if (y == 0.0 || x == 1.0) return 1.0;
  if (x != x || y != y) return x + y;
  if (fabs(y) == inf) {
    double ax1 = fabs(x);
    if (ax1 == 1.0) return 1.0;
    return ((ax1 < 1.0) == (y < 0.0)) ? inf : 0.0;
  }
  {
    int ic = sg_i_int_class(y);
    if (x < 0.0 || (x == 0.0 && sg_d2bits(x) >> 63)) {   /* negative x, including -0 and -inf */
      if (ic == 0 && x != 0.0 && x != -inf) return sg_bits2d(0x7ff8000000000000ull);  /* NaN */
      if (ic == 1) sign = -1.0;
    }
  }
  ax = fabs(x);
  if (ax == 0.0) return sign * (y < 0.0 ? inf : 0.0);
  if (ax == inf) return sign * (y < 0.0 ? 0.0 : inf);
  if (sg_d2bits(ax) < 0x0010000000000000ull) {
    sg_i_tri L = sg_i_log_acc(ax * 0x1p64);      /* subnormal x: log x = log(x 2^64) - 64 ln2 */
    double s, a, b, c;
    sg_i_2sum(L.h, -64.0 * SG_I_L1, &s, &a);
    sg_i_2sum(a, L.m, &b, &c);
    sg_i_2sum(b, -64.0 * SG_I_L2, &b, &a);
    c += a + (L.l - 64.0 * SG_I_L3);
    sg_i_2sum(s, b, &lh, &a);
    ll = a + c;
  } else {
    sg_i_log_fast(ax, &lh, &ll);
    sg_i_fast2sum(lh, ll, &lh, &ll);
    th = y * lh;
    if (th > 709.8) return sign * inf;           /* exp(709.8) > 2^1024 (1 + 2^-60): overflow */
    if (th < -745.2) return sign * 0.0;          /* exp(-745.2) < 2^-1075: rounds to 0 */
    tl = fma(y, lh, -th) + y * ll;
    sg_i_exp_fast(th, tl, &e, &hi, &lo);
    if (sg_i_scale_round(e, hi, lo, 0.0, (fabs(th) * 0x1p-63 + SG_I_EXP_EB) * 2.0, &r)) return sign * r;
    {
      sg_i_tri L = sg_i_log_acc(ax);
      double a;
      sg_i_2sum(L.h, L.m, &lh, &a);
      ll = a + L.l;
    }
  }
  /* accurate: t = y log x as a double-double (relative error ~2^-101), then the accurate exp */
  {
    double a, b, c, d, tail;
    sg_i_tri R;
    sg_i_2prod(y, lh, &a, &b);
    sg_i_2prod(y, ll, &c, &d);
    if (a > 709.8) return sign * inf;
    if (a < -745.2) return sign * 0.0;
    tail = b + c + d;
    sg_i_fast2sum(a, tail, &th, &tl);
    R = sg_i_exp_acc(th, tl);
    ok = sg_i_scale_round(R.e, R.h, R.m, R.l, R.eb + (fabs(th) * 0x1p-99) * 2.0, &r);
    if (!ok) {
      double xr;
      if (sg_i_pow_exact(ax, y, &xr)) r = xr;
    }
    return sign * r;
  }
}

/** x^y, correctly rounded (see the header comment), special cases as C99 Annex F. */
SG_HD double sg_pow(double x, double y) {
  double lh, ll, th, tl, hi, lo, eb, y1, y2;
  int e;
  uint64_t iy = sg_d2bits(y);
  /* fast path: x positive normal, y finite nonzero */
  if (sg_d2bits(x) - 0x0010000000000000ull >= 0x7fe0000000000000ull || (iy << 1) - 1u >= 0xffdfffffffffffffull)
    return sg_i_pow_slow(x, y);
  sg_i_log_fast(x, &lh, &ll);
  sg_i_fast2sum(lh, ll, &lh, &ll);             /* normalise: |ll| <= ulp(lh)/2 */
  th = y * lh;
  if (!(fabs(th) <= 708.0)) return sg_i_pow_slow(x, y);
  tl = fma(y, lh, -th) + y * ll;
  sg_i_exp_fast(th, tl, &e, &hi, &lo);
  /* error of t: < |t| 2^-64 from log (plus 2^-104 |t| from the products), i.e. a relative error of
   * exp(t) below |t| 2^-64, an absolute one below |t| 2^-63 on M < 2; plus the exp core's 2^-66 */
  eb = fabs(th) * 0x1p-63 + SG_I_EXP_EB;
  y1 = hi + (lo - eb);
  y2 = hi + (lo + eb);
  if (y1 != y2) return sg_i_pow_slow(x, y);
  return y1 * sg_i_pow2i(e);
}

/* ------------------------------------------------------------------------------------------------ */
/** nextafter(x, y) by bit manipulation (C99 semantics: NaN if either is NaN, y if x == y). */
SG_HD double sg_nextafter(double x, double y) {
  uint64_t ux;
  if (x != x || y != y) return x + y;
  if (x == y) return y;
  if (x == 0.0) return (y > 0.0) ? sg_bits2d(1) : -sg_bits2d(1);
  ux = sg_d2bits(x);
  if ((x < y) == (x > 0.0)) ++ux;               /* away from zero */
  else --ux;
  return sg_bits2d(ux);
}

SG_EXTERN_C_END

#endif /* SG_MATH_H */
