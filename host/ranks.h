/* host/ranks.h - everything spikegpu needs from MPI, behind a small interface (docs/mpi.md).
 *
 * Built without MPI (no mpicc, or make SG_MPI=0) every call is a no-op of one rank; built with
 * it, MPI is started only when the process was launched by mpirun/srun (their environment says
 * so) or the program had started MPI itself, so a plain run of an MPI build is the single-process
 * run, bit for bit and without MPI's start-up cost. A failing MPI call leaves the communicator
 * unusable: the calls below print the call and MPI's error text once and abort every rank
 * (MPI_Abort), never return into a state where some ranks wait for the others. */
/* SPDX-License-Identifier: MIT */
#ifndef SG_RANKS_H
#define SG_RANKS_H

#include <stddef.h>
#include <stdint.h>

/* Starts MPI if needed (idempotent). Returns 0, or nonzero with err filled. */
int sg_mpi_setup(char *err, size_t len);
int sg_mpi_rank(void);           /* 0 without MPI  */
int sg_mpi_size(void);           /* 1 without MPI  */
int sg_mpi_built(void);          /* 1 if this library was built with MPI */

/* This rank's share [*lo, *hi) of a population of n nodes: contiguous blocks, rank r gets
 * [n r / P, n (r + 1) / P) (docs/mpi.md says why blocks and not round-robin). */
static inline void sg_mpi_share_of(uint64_t n, int rank, int size, uint64_t *lo, uint64_t *hi) {
  *lo = (uint64_t)((unsigned __int128)n * (unsigned)rank / (unsigned)size);
  *hi = (uint64_t)((unsigned __int128)n * ((unsigned)rank + 1u) / (unsigned)size);
}

/* Collectives over all ranks (every rank must call them in the same order). */
void sg_mpi_allgather_i64(const int64_t *mine, size_t n, int64_t *all);          /* all: n * size */
/* Each rank's n_mine words; counts/displs (in words, int) for every rank; all receives them. */
void sg_mpi_allgatherv_u32(const uint32_t *mine, int n_mine, uint32_t *all, const int *counts, const int *displs);
/* The same in place: rank r's counts[r] words already sit at all + displs[r]. */
void sg_mpi_allgatherv_inplace_u32(uint32_t *all, const int *counts, const int *displs);
void sg_mpi_max_i64(int64_t *v, size_t n);       /* in place: the maximum over ranks  */
void sg_mpi_min_u64(uint64_t *v, size_t n);      /* in place: the minimum over ranks  */
void sg_mpi_sum_u64(uint64_t *v, size_t n);      /* in place: the sum over ranks      */
void sg_mpi_or_u64(uint64_t *v, size_t n);       /* in place: bitwise or over ranks   */
void sg_mpi_bcast(void *buf, size_t bytes, int root);

/* A status every rank agrees on: 0 if every rank passes 0; else the status (and the message,
 * msg[len]) of the lowest rank whose status is not 0, on every rank. One allreduce when all is
 * well. Returns the agreed status. */
int sg_mpi_agree(int status, char *msg, size_t len);

#endif
