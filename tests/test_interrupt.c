/* tests/test_interrupt.c - Ctrl-C (SIGINT) during sg_simulate (suite "interrupt").
 *
 *  1. Latency: a child process runs a long simulation whose recorder flush interval is far
 *     longer than the run (one flush chunk of 10^7 steps, many seconds of wall time); once its
 *     SIGINT handler is installed (seen in /proc/<pid>/status) and it has run a while, it gets
 *     SIGINT. sg_simulate must return SG_ERR_INTERRUPTED within 0.5 s, at a step boundary inside
 *     the chunk (the check happens at least every ~0.1 s of wall time, not only at flushes).
 *  2. Two threads, two simulations, overlapping runs (A starts, B starts, A ends, B ends): the
 *     handler that was installed before (this test's own) is installed again afterwards, as a
 *     sigaction query shows, and no SIGINT handler of the library is left behind.
 *  3. One SIGINT while two simulations run in two threads interrupts both (neither consumes it
 *     for the other), each within 0.5 s, and the handler is restored afterwards.
 *
 * The child of 1 is this test binary re-executed (/proc/self/exe) with SG_INTERRUPT_CHILD set,
 * caught by a constructor before CUnit starts (a fork() of a process whose OpenMP runtime has
 * already run parallel regions is not safe to use without exec). */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sg_test.h"
#include "spikegpu.h"

#define CHILD_EXIT_INTERRUPTED 42
#define LATENCY_S 0.5          /* SIGINT to the return of sg_simulate, at most */
#define H 0.1

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
static void sleep_s(double s) {
  struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

/* A gl_exp population driven to fire, recorded by a spike recorder (kept in memory), with a
 * flush interval of flush_ms. */
static sg_sim *build(int n_neurons, double flush_ms, uint64_t seed) {
  sg_config c;
  sg_config_default(&c);
  c.resolution_ms = H;
  c.seed = seed;
  c.backend = SG_BACKEND_CPU;
  c.threads = 1;
  c.verbose = 0;
  c.flush_interval_ms = flush_ms;
  sg_sim *sim = NULL;
  char err[256];
  if (sg_sim_new(&c, &sim, err, sizeof err)) { fprintf(stderr, "\n  sg_sim_new: %s\n", err); return NULL; }
  sg_nodes n, sr;
  if (sg_create(sim, "gl_exp", (uint64_t)n_neurons, &n) || sg_set(sim, n, "I_e", 300.0) ||
      sg_create(sim, "spike_recorder", 1, &sr) || sg_connect(sim, n, sr, NULL, NULL)) {
    fprintf(stderr, "\n  build: %s\n", sg_errmsg(sim));
    sg_sim_free(sim);
    return NULL;
  }
  return sim;
}

/* ---- 1. the child: one long chunk ------------------------------------------------------------ */
#define CHILD_NEURONS 20000
#define CHILD_FLUSH_MS 1e6     /* 10^7 steps per flush chunk: the whole run is one chunk */

__attribute__((constructor)) static void interrupt_child_main(void) {
  const char *e = getenv("SG_INTERRUPT_CHILD");
  if (!e || !*e) return;
  sg_sim *sim = build(CHILD_NEURONS, CHILD_FLUSH_MS, 11);
  if (!sim) _exit(4);
  const sg_status st = sg_simulate(sim, 100000.0);   /* minutes of wall time: ends by SIGINT */
  char path[1100];
  snprintf(path, sizeof path, "%s", e);
  FILE *f = fopen(path, "w");
  if (f) {
    fprintf(f, "%d %llu\n%s\n", (int)st, (unsigned long long)sg_steps(sim), sg_errmsg(sim));
    fclose(f);
  }
  _exit(st == SG_ERR_INTERRUPTED ? CHILD_EXIT_INTERRUPTED : 10 + (int)st);
}

/* 1 if process pid catches SIGINT (SigCgt of /proc/<pid>/status), 0 if not, -1 if unknown. */
static int catches_sigint(pid_t pid) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  int r = -1;
  while (fgets(line, sizeof line, f)) {
    unsigned long long mask;
    if (sscanf(line, "SigCgt: %llx", &mask) == 1) { r = (int)((mask >> (SIGINT - 1)) & 1u); break; }
  }
  fclose(f);
  return r;
}

static void test_interrupt_latency(void) {
  char result[256], exe[4096];
  const char *t = getenv("TMPDIR");
  snprintf(result, sizeof result, "%s/sg_interrupt_%d.txt", t && *t ? t : "/tmp", (int)getpid());
  remove(result);
  const ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  CU_ASSERT_FATAL(len > 0);
  exe[len] = 0;
  fflush(NULL);
  const pid_t pid = fork();
  if (pid == 0) {
    setenv("SG_INTERRUPT_CHILD", result, 1);
    execl(exe, "sg_interrupt_child", (char *)NULL);
    _exit(127);
  }
  CU_ASSERT_FATAL(pid > 0);
  /* wait until sg_simulate installed its handler, then let it run into the chunk */
  const double t0 = now_s();
  int caught = 0, status = 0, ended = 0;
  while (now_s() - t0 < 30.0) {
    if (waitpid(pid, &status, WNOHANG) == pid) { ended = 1; break; }
    if ((caught = catches_sigint(pid)) == 1) break;
    sleep_s(0.002);
  }
  CU_ASSERT_FATAL(!ended);
  CU_ASSERT_EQUAL(caught, 1);
  sleep_s(0.4);
  const double t_int = now_s();
  kill(pid, SIGINT);
  double t_end = 0.0;
  while (1) {
    if (waitpid(pid, &status, WNOHANG) == pid) { t_end = now_s(); break; }
    if (now_s() - t_int > 5.0) { kill(pid, SIGKILL); waitpid(pid, &status, 0); t_end = INFINITY; break; }
    sleep_s(0.001);
  }
  const double latency = t_end - t_int;
  printf("\n    SIGINT after %.2f s of a %g ms flush chunk: sg_simulate returned after %.3f s ", t_int - t0, CHILD_FLUSH_MS, latency);
  if (!(latency <= LATENCY_S)) fprintf(stderr, "\n  the child took %.3f s to end after SIGINT, want <= %g s\n", latency, LATENCY_S);
  CU_ASSERT(latency <= LATENCY_S);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  CU_ASSERT_EQUAL(code, CHILD_EXIT_INTERRUPTED);
  int st = -1;
  unsigned long long steps = 0;
  char msg[600] = "";
  FILE *f = fopen(result, "r");
  if (f) {
    if (fscanf(f, "%d %llu\n", &st, &steps) != 2) st = -1;
    if (!fgets(msg, sizeof msg, f)) msg[0] = 0;
    fclose(f);
  }
  remove(result);
  CU_ASSERT_EQUAL(st, SG_ERR_INTERRUPTED);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "interrupted (SIGINT)"));
  /* inside the first chunk (10^7 steps), at the step the message names */
  CU_ASSERT(steps > 0 && steps < (unsigned long long)(CHILD_FLUSH_MS / H));
  char want[64];
  snprintf(want, sizeof want, "(step %llu)", steps);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, want));
}

/* ---- 2., 3. two simulations in two threads ------------------------------------------------------ */
static atomic_int test_handler_calls;
static void test_handler(int sig) { (void)sig; atomic_fetch_add(&test_handler_calls, 1); }

/* The SIGINT handler installed now. */
static void (*current_handler(void))(int) {
  struct sigaction q;
  sigaction(SIGINT, NULL, &q);
  return q.sa_handler;
}

typedef struct run_arg {
  sg_sim *sim;
  double t_ms;
  sg_status st;
  double t_end;
  atomic_int started;
} run_arg;

static void *run_thread(void *p) {
  run_arg *a = p;
  atomic_store(&a->started, 1);
  a->st = sg_simulate(a->sim, a->t_ms);
  a->t_end = now_s();
  return NULL;
}

#define THREAD_NEURONS 4000

/* Simulated ms that take about wall_s of wall time for a network of THREAD_NEURONS. */
static double ms_for(double wall_s) {
  sg_sim *sim = build(THREAD_NEURONS, 1e6, 3);
  if (!sim) return 0.0;
  sg_simulate(sim, 1.0);   /* prepare */
  const double t0 = now_s();
  sg_simulate(sim, 50.0);
  const double per_ms = (now_s() - t0) / 50.0;
  sg_sim_free(sim);
  double ms = floor(wall_s / (per_ms > 1e-9 ? per_ms : 1e-9));
  return ms < 10.0 ? 10.0 : ms > 1e6 ? 1e6 : ms;
}

/* Installs test_handler as this process's SIGINT handler; returns the one before. */
static struct sigaction install_test_handler(void) {
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = test_handler;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old);
  atomic_store(&test_handler_calls, 0);
  return old;
}

static void test_interrupt_two_threads_restore(void) {
  const struct sigaction before = install_test_handler();
  const double ms = ms_for(0.3);
  run_arg a = {build(THREAD_NEURONS, 1e6, 1), ms, SG_OK, 0.0, 0};
  run_arg b = {build(THREAD_NEURONS, 1e6, 2), 4.0 * ms, SG_OK, 0.0, 0};
  CU_ASSERT_FATAL(a.sim && b.sim);
  pthread_t ta, tb;
  CU_ASSERT_FATAL(pthread_create(&ta, NULL, run_thread, &a) == 0);
  /* B starts once A's sg_simulate installed its handler: A starts first, ends first */
  const double t0 = now_s();
  while (current_handler() == test_handler && now_s() - t0 < 10.0) sleep_s(0.0005);
  CU_ASSERT(current_handler() != test_handler);
  CU_ASSERT_FATAL(pthread_create(&tb, NULL, run_thread, &b) == 0);
  pthread_join(ta, NULL);
  const int b_running_when_a_ended = b.t_end == 0.0;
  pthread_join(tb, NULL);
  CU_ASSERT_EQUAL(a.st, SG_OK);
  CU_ASSERT_EQUAL(b.st, SG_OK);
  printf("\n    A: %g ms, B: %g ms, B still running when A ended: %s ", a.t_ms, b.t_ms, b_running_when_a_ended ? "yes" : "no");
  CU_ASSERT(b_running_when_a_ended);
  const int restored = current_handler() == test_handler;
  if (!restored) fprintf(stderr, "\n  after both runs the SIGINT handler is not the one installed before them\n");
  CU_ASSERT(restored);
  /* and the same with the runs ending in the other order */
  run_arg c = {a.sim, 4.0 * ms, SG_OK, 0.0, 0}, d = {b.sim, ms, SG_OK, 0.0, 0};
  CU_ASSERT_FATAL(pthread_create(&ta, NULL, run_thread, &c) == 0);
  while (current_handler() == test_handler && now_s() - t0 < 20.0) sleep_s(0.0005);
  CU_ASSERT_FATAL(pthread_create(&tb, NULL, run_thread, &d) == 0);
  pthread_join(tb, NULL);
  pthread_join(ta, NULL);
  CU_ASSERT_EQUAL(c.st, SG_OK);
  CU_ASSERT_EQUAL(d.st, SG_OK);
  CU_ASSERT(current_handler() == test_handler);
  CU_ASSERT_EQUAL(atomic_load(&test_handler_calls), 0);
  sg_sim_free(a.sim);
  sg_sim_free(b.sim);
  sigaction(SIGINT, &before, NULL);
}

static void test_interrupt_two_threads_both(void) {
  const struct sigaction before = install_test_handler();
  /* runs that would take about 3 s each without the interrupt, one flush chunk each */
  const double ms = ms_for(3.0);
  run_arg a = {build(THREAD_NEURONS, 1e6, 1), ms, SG_OK, 0.0, 0};
  run_arg b = {build(THREAD_NEURONS, 1e6, 2), ms, SG_OK, 0.0, 0};
  CU_ASSERT_FATAL(a.sim && b.sim);
  pthread_t ta, tb;
  CU_ASSERT_FATAL(pthread_create(&ta, NULL, run_thread, &a) == 0);
  CU_ASSERT_FATAL(pthread_create(&tb, NULL, run_thread, &b) == 0);
  const double t0 = now_s();
  while (current_handler() == test_handler && now_s() - t0 < 10.0) sleep_s(0.0005);
  sleep_s(0.3);   /* both are running by now (building a run takes milliseconds) */
  const int a_running = a.t_end == 0.0, b_running = b.t_end == 0.0;
  const double t_int = now_s();
  CU_ASSERT(current_handler() != test_handler);
  if (current_handler() != test_handler) kill(getpid(), SIGINT);
  pthread_join(ta, NULL);
  pthread_join(tb, NULL);
  printf("\n    one SIGINT, two runs of %g ms: ended after %.3f s and %.3f s (%s, %s) ", ms, a.t_end - t_int, b.t_end - t_int,
         sg_status_str(a.st), sg_status_str(b.st));
  CU_ASSERT(a_running && b_running);
  CU_ASSERT_EQUAL(a.st, SG_ERR_INTERRUPTED);
  CU_ASSERT_EQUAL(b.st, SG_ERR_INTERRUPTED);
  CU_ASSERT(a.t_end - t_int <= LATENCY_S);
  CU_ASSERT(b.t_end - t_int <= LATENCY_S);
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(a.sim), "interrupted (SIGINT)"));
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(b.sim), "interrupted (SIGINT)"));
  CU_ASSERT(current_handler() == test_handler);
  CU_ASSERT_EQUAL(atomic_load(&test_handler_calls), 0);   /* the library's handler took it */
  /* a later run is not interrupted by the SIGINT already seen */
  CU_ASSERT_EQUAL(sg_simulate(a.sim, 1.0), SG_OK);
  sg_sim_free(a.sim);
  sg_sim_free(b.sim);
  sigaction(SIGINT, &before, NULL);
}

static CU_TestInfo tests[] = {
  {"SIGINT during a long flush chunk ends sg_simulate within 0.5 s", test_interrupt_latency},
  {"two threads, overlapping runs: the previous handler is restored", test_interrupt_two_threads_restore},
  {"one SIGINT interrupts both of two running simulations", test_interrupt_two_threads_both},
  CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_interrupt = {"interrupt", NULL, tests};
