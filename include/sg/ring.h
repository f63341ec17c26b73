/* sg/ring.h - the ring buffer of pending input, the one place its index arithmetic is written.
 *
 * DESIGN. All input to the neurons (spikes through synapses, generator events and currents) waits
 * in one int64 buffer of R slots, R the smallest power of two > the longest delay in steps (so a
 * slot index is a mask, not a division). A slot holds one Q31.32 value per ring input, n_inputs of
 * them (a population's inputs are port-major: input (port, i) is slot[input_base + port * n + i],
 * see sg/model.h); element [slot][input] is ring[slot * n_inputs + input]. An event emitted in step
 * k with a delay of d steps is added to slot (k + d) & (R - 1); the update of step k reads and
 * clears slot k & (R - 1), which is reused R steps later. With d <= R - 1 no pending event is ever
 * overwritten.
 *
 * Used by both backends (host/backend_cpu.c, kernels/) and by the host code that sizes or moves the
 * ring (host/prepare.c, host/connect.c, host/backend_cuda.c).
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_RING_H
#define SG_RING_H

#include "sg/hd.h"

/* R: the smallest power of two > max_delay (at least 2). max_delay < 2^31. */
SG_HD uint32_t sg_ring_len(uint32_t max_delay) {
  uint32_t R = 2;
  while (R <= max_delay) R <<= 1;
  return R;
}

/* The slot mask R - 1 (R a power of two). */
SG_HD uint32_t sg_ring_mask(uint32_t R) { return R - 1u; }

/* Element offset of the first input of the slot of step k (k is the step plus the delay, if any):
 * (k & mask) * n_inputs. */
SG_HD uint64_t sg_ring_index(uint64_t k, uint64_t mask, uint64_t n_inputs) { return (k & mask) * n_inputs; }

/* The slot of step k: ring + sg_ring_index(k, mask, n_inputs). */
SG_HD int64_t *sg_ring_slot(int64_t *ring, uint64_t k, uint64_t mask, uint64_t n_inputs) {
  return ring + sg_ring_index(k, mask, n_inputs);
}
SG_HD const int64_t *sg_ring_slot_const(const int64_t *ring, uint64_t k, uint64_t mask, uint64_t n_inputs) {
  return ring + sg_ring_index(k, mask, n_inputs);
}

#endif
