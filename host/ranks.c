/* host/ranks.c - the MPI layer of host/ranks.h: the only file that includes <mpi.h>. Without
 * SG_HAVE_MPI it compiles to the one-rank no-ops at the end. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ranks.h"

#ifdef SG_HAVE_MPI
#include <mpi.h>

static int g_ready, g_rank, g_size = 1;
static MPI_Comm g_comm = MPI_COMM_NULL;

int sg_mpi_built(void) { return 1; }

/* A failed MPI call: the communicator cannot be trusted any more, so all ranks stop here with
 * the call's name and MPI's error text rather than leave some of them waiting in a collective. */
static void check(int rc, const char *call) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(rc, text, &len) != MPI_SUCCESS) snprintf(text, sizeof text, "error %d", rc);
  fprintf(stderr, "spikegpu: rank %d: %s failed: %s; stopping all ranks\n", g_rank, call, text);
  MPI_Abort(g_comm != MPI_COMM_NULL ? g_comm : MPI_COMM_WORLD, 1);
  abort();
}

/* Waits for a non-blocking collective by testing it, sleeping briefly between tests: a blocking
 * collective spins inside MPI, and where ranks share cores (more ranks and threads than cores,
 * as on a 2-core CI machine) the spinning ranks keep the core from the very rank they wait for.
 * 10 microseconds is well below a window's compute time. */
static void wait_for(MPI_Request *req, const char *call) {
  for (unsigned i = 0;; ++i) {
    int done = 0;
    check(MPI_Test(req, &done, MPI_STATUS_IGNORE), call);
    if (done) return;
    if (i >= 64) {
      const struct timespec ts = {0, 10000};
      nanosleep(&ts, NULL);
    }
  }
}

static void finalize_at_exit(void) {
  int fin = 0;
  MPI_Finalized(&fin);
  if (fin) return;
  if (g_comm != MPI_COMM_NULL) MPI_Comm_free(&g_comm);
  MPI_Finalize();
}

/* launched by a process manager (OpenMPI's mpirun, PMI/PMIx, Slurm)? */
static int launched(void) {
  static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"};
  for (size_t i = 0; i < sizeof vars / sizeof *vars; ++i)
    if (getenv(vars[i])) return 1;
  return 0;
}

int sg_mpi_setup(char *err, size_t len) {
  if (g_ready) return 0;
  int init = 0;
  if (MPI_Initialized(&init) != MPI_SUCCESS) { snprintf(err, len, "MPI_Initialized failed"); return 1; }
  const char *off = getenv("SG_MPI");
  if (!init && (!launched() || (off && strcmp(off, "0") == 0))) {   /* a plain single-process run */
    g_ready = 1;
    return 0;
  }
  if (!init) {
    int provided = 0;
    /* only the master thread (outside OpenMP regions, or thread 0 of one) calls MPI */
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
      snprintf(err, len, "MPI_Init_thread failed: allowed a launch by mpirun, or SG_MPI=0 for one process");
      return 1;
    }
    atexit(finalize_at_exit);
  }
  check(MPI_Comm_dup(MPI_COMM_WORLD, &g_comm), "MPI_Comm_dup");
  check(MPI_Comm_set_errhandler(g_comm, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
  check(MPI_Comm_rank(g_comm, &g_rank), "MPI_Comm_rank");
  check(MPI_Comm_size(g_comm, &g_size), "MPI_Comm_size");
  g_ready = 1;
  return 0;
}

int sg_mpi_rank(void) { return g_rank; }
int sg_mpi_size(void) { return g_size; }

void sg_mpi_allgather_i64(const int64_t *mine, size_t n, int64_t *all) {
  if (g_size == 1) { memcpy(all, mine, n * sizeof *all); return; }
  MPI_Request rq;
  check(MPI_Iallgather(mine, (int)n, MPI_INT64_T, all, (int)n, MPI_INT64_T, g_comm, &rq), "MPI_Iallgather");
  wait_for(&rq, "MPI_Iallgather");
}

void sg_mpi_allgatherv_u32(const uint32_t *mine, int n_mine, uint32_t *all, const int *counts, const int *displs) {
  if (g_size == 1) { memcpy(all, mine, (size_t)n_mine * sizeof *all); return; }
  MPI_Request rq;
  check(MPI_Iallgatherv(mine, n_mine, MPI_UINT32_T, all, counts, displs, MPI_UINT32_T, g_comm, &rq), "MPI_Iallgatherv");
  wait_for(&rq, "MPI_Iallgatherv");
}

void sg_mpi_allgatherv_inplace_u32(uint32_t *all, const int *counts, const int *displs) {
  if (g_size == 1) return;
  MPI_Request rq;
  check(MPI_Iallgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, all, counts, displs, MPI_UINT32_T, g_comm, &rq), "MPI_Iallgatherv");
  wait_for(&rq, "MPI_Iallgatherv");
}

static void reduce(void *v, size_t n, MPI_Datatype type, MPI_Op op, const char *what) {
  if (g_size == 1 || n == 0) return;
  MPI_Request rq;
  check(MPI_Iallreduce(MPI_IN_PLACE, v, (int)n, type, op, g_comm, &rq), what);
  wait_for(&rq, what);
}
void sg_mpi_max_i64(int64_t *v, size_t n) { reduce(v, n, MPI_INT64_T, MPI_MAX, "MPI_Iallreduce(max)"); }
void sg_mpi_min_u64(uint64_t *v, size_t n) { reduce(v, n, MPI_UINT64_T, MPI_MIN, "MPI_Iallreduce(min)"); }
void sg_mpi_sum_u64(uint64_t *v, size_t n) { reduce(v, n, MPI_UINT64_T, MPI_SUM, "MPI_Iallreduce(sum)"); }
void sg_mpi_or_u64(uint64_t *v, size_t n) { reduce(v, n, MPI_UINT64_T, MPI_BOR, "MPI_Iallreduce(bor)"); }

void sg_mpi_bcast(void *buf, size_t bytes, int root) {
  if (g_size == 1) return;
  MPI_Request rq;
  check(MPI_Ibcast(buf, (int)bytes, MPI_BYTE, root, g_comm, &rq), "MPI_Ibcast");
  wait_for(&rq, "MPI_Ibcast");
}

int sg_mpi_agree(int status, char *msg, size_t len) {
  if (g_size == 1) return status;
  int64_t who = status ? g_rank : g_size;   /* the lowest failing rank, as a minimum */
  uint64_t w = (uint64_t)who;
  sg_mpi_min_u64(&w, 1);
  if (w == (uint64_t)g_size) return 0;
  int32_t st = status;
  sg_mpi_bcast(&st, sizeof st, (int)w);
  sg_mpi_bcast(msg, len, (int)w);
  msg[len - 1] = '\0';
  return st;
}

#else   /* one rank: no MPI in this build */

int sg_mpi_built(void) { return 0; }
int sg_mpi_setup(char *err, size_t len) { (void)err; (void)len; return 0; }
int sg_mpi_rank(void) { return 0; }
int sg_mpi_size(void) { return 1; }
void sg_mpi_allgather_i64(const int64_t *mine, size_t n, int64_t *all) { memcpy(all, mine, n * sizeof *all); }
void sg_mpi_allgatherv_u32(const uint32_t *mine, int n_mine, uint32_t *all, const int *counts, const int *displs) {
  (void)counts; (void)displs;
  memcpy(all, mine, (size_t)n_mine * sizeof *all);
}
void sg_mpi_allgatherv_inplace_u32(uint32_t *all, const int *counts, const int *displs) { (void)all; (void)counts; (void)displs; }
void sg_mpi_max_i64(int64_t *v, size_t n) { (void)v; (void)n; }
void sg_mpi_min_u64(uint64_t *v, size_t n) { (void)v; (void)n; }
void sg_mpi_sum_u64(uint64_t *v, size_t n) { (void)v; (void)n; }
void sg_mpi_or_u64(uint64_t *v, size_t n) { (void)v; (void)n; }
void sg_mpi_bcast(void *buf, size_t bytes, int root) { (void)buf; (void)bytes; (void)root; }
int sg_mpi_agree(int status, char *msg, size_t len) { (void)msg; (void)len; return status; }

#endif
