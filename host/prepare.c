/* host/prepare.c - everything computed between "the network changed" and the next step:
 * ring-buffer inputs of each population, per-run coefficients, the CSRs, generator records,
 * ring length and recorders. Backend-neutral: the backends copy what they need from here. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ranks.h"
#include "sg/ring.h"

static int pop_any_each(const sg_pop *pop) {
  for (uint32_t k = 0; k < pop->model->n_params; ++k)
    if (pop->params[k].each) return 1;
  for (uint32_t k = 0; k < pop->model->n_vecs; ++k)
    if (pop->vecs[k].each) return 1;
  return 0;
}

/* Coefficients of a neuron population: one set, or one per node when any value is per node. */
static sg_status prepare_coefs(sg_sim *sim, sg_pop *pop) {
  const sg_model_desc *m = pop->model;
  const int per_node = pop_any_each(pop);
  const uint64_t count = per_node ? pop->n : 1;
  void *coef = calloc(count, m->coef_size ? m->coef_size : 1);
  if (!coef) return sg_i_fail(sim, SG_ERR_NOMEM, "%s: cannot allocate coefficients for %llu nodes", pop->name, (unsigned long long)pop->n);
  double p[64];
  sg_vec v[16];
  for (uint64_t i = 0; i < count; ++i) {
    for (uint32_t k = 0; k < m->n_params; ++k) p[k] = sg_i_param(pop, k, i);
    for (uint32_t k = 0; k < m->n_vecs; ++k) v[k] = *sg_i_vec(pop, k, i);
    if (m->prepare) m->prepare(p, v, sim->h, sim->tics_per_step, (char *)coef + i * m->coef_size);
  }
  free(pop->coef);
  pop->coef = coef;
  pop->coef_per_node = per_node;
  return SG_OK;
}

/* ---- ring inputs ---------------------------------------------------------------------------- */
/* The nodes of pop whose inputs this rank's ring holds: its block of the population (docs/mpi.md
 * §3); every model's step reads input (port, i) through sg_step_ctx.in_gap / in_lo (sg_input_at,
 * sg_take_fed). Sets own_lo/own_hi, in_lo/in_gap; returns the nodes. */
static uint64_t ring_nodes(sg_pop *pop) {
  sg_mpi_share_of(pop->n, sg_mpi_rank(), sg_mpi_size(), &pop->own_lo, &pop->own_hi);
  pop->in_lo = pop->own_lo;
  pop->in_gap = pop->n - (pop->own_hi - pop->own_lo);
  return pop->n - pop->in_gap;
}

sg_status sg_i_assign_inputs(sg_sim *sim) {
  for (size_t p = 0; p < sim->n_pops; ++p) {
    sg_pop *pop = sim->pops[p];
    if (pop->model->kind != SG_KIND_NEURON) continue;
    const uint32_t np = pop->model->n_ports(pop);
    if (pop->inputs_assigned && np == pop->n_ports) continue;
    if ((double)sim->n_inputs_all + (double)np * (double)pop->n > 4294967295.0)
      return sg_i_fail(sim, SG_ERR_OVERFLOW, "%s: %llu nodes x %u ports exceed 2^32 ring-buffer inputs", pop->name, (unsigned long long)pop->n, np);
    pop->input_gbase = sim->n_inputs_all;
    sim->n_inputs_all += (uint64_t)np * pop->n;
    pop->input_base = sim->n_inputs;
    sim->n_inputs += (uint64_t)np * ring_nodes(pop);
    pop->n_ports = np;
    pop->inputs_assigned = 1;
  }
  return SG_OK;
}

sg_status sg_i_prepare(sg_sim *sim) {
  sg_status st;
  for (size_t p = 0; p < sim->n_pops; ++p) sim->pops[p]->prepared = 1;   /* from here on it is referred to */
  /* 1. ring inputs: a population keeps its range once assigned; a population whose port
   *    count changed (no connections yet, else the change was refused) gets a new range. */
  if ((st = sg_i_assign_inputs(sim))) return st;
  /* procedural projections: where their target population's inputs now are */
  for (size_t i = 0; i < sim->n_proc; ++i) {
    sg_i_proc *q = &sim->proc[i];
    q->d.input_base = q->tpop->input_base;
    q->d.pop_n = q->tpop->n;
    q->d.pop_first = q->tpop->first;
    q->d.in_lo = q->tpop->in_lo;
    q->d.in_gap = q->tpop->in_gap;
  }
  /* 2. ring length: smallest power of two > max delay */
  const uint32_t R = sg_ring_len(sim->max_delay);
  const double ring_bytes = (double)R * (double)sim->n_inputs * 8.0;
  const uint64_t avail = sg_i_host_mem_available();
  if (avail && ring_bytes > 0.8 * (double)avail)
    return sg_i_fail(sim, SG_ERR_NOMEM, "ring buffer needs %.2f GiB (%u slots x %llu inputs), %.2f GiB available",
                     ring_bytes / 1073741824.0, R, (unsigned long long)sim->n_inputs, (double)avail / 1073741824.0);
  /* 3. connectivity (recorder records exist first: the CSR builder fills their targets) */
  if ((st = sg_i_record_alloc(sim))) return st;
  if ((st = sg_i_build_csr(sim))) return st;
  /* 4. per-run coefficients */
  for (size_t p = 0; p < sim->n_pops; ++p) {
    sg_pop *pop = sim->pops[p];
    if (pop->model->kind != SG_KIND_NEURON) continue;
    if ((st = sg_i_pop_alloc_state(sim, pop))) return st;
    if ((st = prepare_coefs(sim, pop))) return st;
  }
  /* 5. generators and recorders */
  if ((st = sg_i_stim_prepare(sim))) return st;
  if ((st = sg_i_record_prepare(sim))) return st;
  sim->ring_len = R;
  return SG_OK;
}

static uint64_t csr_bytes(const sg_csr *c) {
  if (!c->row_seg) return 0;
  return (c->n_rows + 1) * 8u + c->n_seg * 12u + c->n_syn * 8u;
}

sg_status sg_memory_report(sg_sim *sim, sg_memory *out) {
  if (!sim) return SG_ERR_ARG;
  if (!out) return sg_i_fail(sim, SG_ERR_ARG, "sg_memory_report: out is NULL");
  memset(out, 0, sizeof *out);
  out->n_nodes = sim->n_nodes;
  /* edges not yet in a CSR: recorder connections (ports >= SG_PORT_MULTIMETER) are not
   * synapses, and once built they live in rec_row / the multimeters, not in the CSRs */
  uint64_t pending = 0;
  for (size_t i = 0; i < sim->edges.n; ++i) pending += sim->edges.port[i] < SG_PORT_MULTIMETER;
  out->n_synapses = sim->csr.n_syn + sim->gen_csr.n_syn + pending;
  out->csr_bytes = csr_bytes(&sim->csr) + csr_bytes(&sim->gen_csr) + sim->edges.n * 20u;
  for (size_t i = 0; i < sim->n_proc; ++i)   /* procedural: a descriptor (and counts), no synapses */
    out->csr_bytes += sizeof(sg_proc) + (sim->proc[i].count ? sim->proc[i].d.npre * 4u : 0u);
  out->ring_bytes = (uint64_t)sim->ring_len * sim->n_inputs * 8u;
  for (size_t p = 0; p < sim->n_pops; ++p) {
    const sg_pop *pop = sim->pops[p];
    for (uint32_t r = 0; r < pop->model->n_state; ++r) out->state_bytes += (uint64_t)pop->width[r] * pop->n * 8u;
  }
  for (size_t j = 0; j < sim->n_srec; ++j) out->record_bytes += sim->srec[j].cap * 16u;
  for (size_t j = 0; j < sim->n_mm; ++j)
    out->record_bytes += sim->mm[j].cap_rows * (8u + 8u * sim->mm[j].n_targets * sim->mm[j].n_vars);
  out->total_bytes = out->csr_bytes + out->ring_bytes + out->state_bytes + out->record_bytes + sim->n_nodes * 8u;
  out->bytes_per_synapse = out->n_synapses ? (double)out->csr_bytes / (double)out->n_synapses : 0.0;
  return SG_OK;
}
