/* tests/cuda_emu/emu.cpp - a host emulation of the CUDA runtime and of kernel execution, so that
 * kernels/ and host/backend_cuda.c run, and tests/test_cuda_equiv.c checks them bit for bit against
 * the cpu backend, on machines without a GPU (`make check-cuda-emu`, a stage of .ci/run).
 *
 * What it models: every CUDA thread of a block is a fiber (see "Fibers" below); warp collectives (__ballot_sync,
 * __shfl_sync, __shfl_up_sync) wait for all 32 lanes of the warp and fail loudly when lanes diverge,
 * __syncthreads waits for the block; blocks of a launch and fibers within a pass run in a shuffled
 * order (seed SG_EMU_SEED), so code that assumes an execution order shows up as a mismatch. Device
 * memory is host memory filled with 0xA5 bytes (0x5A for pinned memory), so reads of memory the
 * backend never wrote give garbage rather than zeros; allocations still live at exit fail the run.
 * Graph capture records launches and replays them.
 *
 * Asynchrony: work on a stream (launches, graph launches, async copies and memsets) is queued and
 * runs only when the host waits for that stream (cudaStreamSynchronize), or for the whole device
 * (cudaFree, cudaFreeHost). A synchronous cudaMemcpy waits for the legacy default stream only,
 * which does not wait for non-blocking streams such as the backend's. Host-to-device copies from
 * pageable memory are staged at the call (CUDA does the same), from pinned memory (cudaMallocHost)
 * they read the host buffer when they run; device-to-pageable copies complete before returning.
 * So a host read of a pinned buffer before the wait, or a write to it while a copy is queued,
 * shows up as poison or wrong data.
 *
 * Fault injection (tests/cuda_emu/fault_check.c): SG_EMU_FAIL_AT=n makes the n-th fallible runtime
 * call (allocation, copy, memset, synchronisation, memory query, capture, graph instantiation or
 * launch, kernel launch) fail with a non-sticky error; with SG_EMU_FAIL_STICKY=1 it fails with
 * cudaErrorIllegalAddress instead and every later call fails the same way, as a real context
 * does after a device fault. SG_EMU_COUNT_FILE=path writes the number of fallible calls at exit.
 *
 * Launch profile: SG_EMU_PROFILE_FILE=path writes at exit, as JSON, the kernels executed (per kernel
 * and in all, graph replays included), the graph launches, the host waits (stream, event and
 * device synchronisations, synchronous copies) and the bytes copied each way, so that launches
 * and host synchronisations per simulated step can be counted without a GPU
 * (bench/cuda_profile_emu.sh, `make cuda-profile-emu`).
 *
 * SG_EMU_NO_KERNEL_IMAGE=1 makes cudaFuncGetAttributes fail with cudaErrorNoKernelImageForDevice, as a
 * real device does whose architecture the build has no image for (tests/cuda_emu/probe_check.c).
 * Events (cudaEventRecord, cudaEventElapsedTime) take the host clock when the stream reaches them;
 * cudaStreamWaitEvent runs the recording stream's whole queue (up to the event and beyond: the
 * schedule that exposes a download racing later work) when the waiting stream runs it.
 *
 * What it cannot model: real concurrency (memory races, atomics that interleave), streams that
 * overlap each other, resource limits (registers, shared memory,
 * occupancy), nvcc's code generation (contraction is emulated by the compiler flags only), speed.
 * Those need the GPU: bench/gpu_check.sh (make gpu-check) runs the same suite there. Test harness only. */
/* SPDX-License-Identifier: MIT */
#include <cxxabi.h>
#include <dlfcn.h>
#include <stdint.h>
#include <ucontext.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "emu_kernel.h"

emu_dim3 emu::thread_idx, emu::block_idx, emu::block_dim, emu::grid_dim;

namespace {
enum FiberState { RUNNABLE, AT_WARP_COLLECTIVE, AT_SYNCTHREADS, FINISHED };
struct Fiber {
  void *sp = nullptr;        /* the saved stack pointer (x86-64 switch); null: never started */
  ucontext_t ctx;            /* other architectures */
  void *asan_fake = nullptr; /* ASan's fake stack while the fiber is switched out */
  char *stack = nullptr;
  FiberState state = FINISHED;
  int kind = 0, arg = 0;
  unsigned long long val = 0, out = 0;
};
const size_t FIBER_STACK = 256 << 10;
std::vector<Fiber> fibers(1024);
int current = 0;
std::function<void()> *current_body = nullptr;
std::mt19937_64 order_rng;
cudaError_t sticky_error = cudaSuccess;
bool capturing = false;
std::vector<std::function<void()>> captured;
long live_device = 0, live_pinned = 0;
unsigned long long n_fallible = 0, fail_at = 0;
bool fail_sticky = false, context_dead = false, replaying = false;

/* the queued work of each stream (nullptr: the legacy default stream), run when waited for */
std::map<cudaStream_t, std::vector<std::function<void()>>> queued;
bool executing = false;   /* inside a stream's queue: launches run at once */

/* the launch profile (SG_EMU_PROFILE_FILE) */
struct Profile {
  std::map<const void *, unsigned long long> kernels;   /* executions per kernel address */
  unsigned long long graph_launches = 0, host_waits = 0, h2d_bytes = 0, d2h_bytes = 0;
} prof;
void write_profile(const char *path) {
  FILE *o = fopen(path, "w");
  if (!o) return;
  unsigned long long total = 0;
  for (auto &k : prof.kernels) total += k.second;
  fprintf(o, "{\"kernel_executions\": %llu, \"graph_launches\": %llu, \"host_waits\": %llu, "
             "\"h2d_bytes\": %llu, \"d2h_bytes\": %llu, \"kernels\": {",
          total, prof.graph_launches, prof.host_waits, prof.h2d_bytes, prof.d2h_bytes);
  bool first = true;
  for (auto &k : prof.kernels) {
    Dl_info info;
    const char *name = "?";
    char *dem = nullptr;
    if (k.first && dladdr(k.first, &info) && info.dli_sname) {
      int st = 0;
      dem = abi::__cxa_demangle(info.dli_sname, nullptr, nullptr, &st);
      name = dem && st == 0 ? dem : info.dli_sname;
    }
    std::string n(name);
    const size_t paren = n.find('(');   /* the name without its parameter list */
    if (paren != std::string::npos) n.resize(paren);
    fprintf(o, "%s\"%s\": %llu", first ? "" : ", ", n.c_str(), k.second);
    first = false;
    free(dem);
  }
  fprintf(o, "}}\n");
  fclose(o);
}
std::map<const char *, size_t> pinned;   /* cudaMallocHost blocks: start -> bytes */

void enqueue(cudaStream_t s, std::function<void()> op) { queued[s].push_back(std::move(op)); }
void drain(cudaStream_t s) {
  auto it = queued.find(s);
  if (it == queued.end()) return;
  std::vector<std::function<void()>> ops;
  ops.swap(it->second);
  executing = true;
  for (auto &op : ops) op();
  executing = false;
}
void drain_all() {
  for (auto &q : queued) drain(q.first);
}
bool is_pinned(const void *p) {
  auto it = pinned.upper_bound((const char *)p);
  if (it == pinned.begin()) return false;
  --it;
  return (const char *)p < it->first + it->second;
}

/* Counts a fallible call; returns the error it must fail with, or cudaSuccess. */
cudaError_t injected(cudaError_t non_sticky) {
  ++n_fallible;
  if (context_dead) return cudaErrorIllegalAddress;
  if (fail_at == 0 || n_fallible != fail_at) return cudaSuccess;
  if (fail_sticky) {
    context_dead = true;
    return cudaErrorIllegalAddress;
  }
  return non_sticky;
}
#define INJECT(e)                                    \
  do {                                               \
    const cudaError_t inj_ = injected(e);            \
    if (inj_ != cudaSuccess) return inj_;            \
  } while (0)

[[noreturn]] void die(const char *what) {
  fprintf(stderr, "cuda_emu: %s (block %u, thread %d)\n", what, emu::block_idx.x, current);
  abort();
}

/* ---- Fibers ----
 * A fiber per CUDA thread of a block, created once and kept across launches: it loops, running the
 * current launch's body for its thread and going back to the scheduler. On x86-64 a switch saves
 * the callee-saved registers, the SSE and x87 control words and the stack pointer (emu_switch
 * below): glibc's swapcontext also saves the signal mask, a system call at every switch, which
 * took half the emulated suite's time. Other architectures keep ucontext. Under ASan every switch
 * is announced (__sanitizer_start/finish_switch_fiber), so the fibers' stacks are checked too. */
#if defined(__SANITIZE_ADDRESS__)
#define EMU_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EMU_ASAN 1
#endif
#endif
#ifdef EMU_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

#if defined(__x86_64__)
void *scheduler_sp;                 /* the scheduler's stack pointer while a fiber runs */
#else
ucontext_t scheduler;
#endif
const void *scheduler_stack_bottom; /* ASan: the scheduler's stack, learnt at a fiber's first entry */
size_t scheduler_stack_size;

#if defined(__x86_64__)
/* emu_switch(&save, to): pushes rbp, rbx, r12-r15 and the control words, stores rsp in *save,
 * loads rsp = to and pops the same from there (System V: these are all a callee must keep). */
extern "C" void emu_switch(void **save, void *to);
__asm__(".text\n"
        ".globl emu_switch\n"
        ".type emu_switch,@function\n"
        "emu_switch:\n"
        "  pushq %rbp\n  pushq %rbx\n  pushq %r12\n  pushq %r13\n  pushq %r14\n  pushq %r15\n"
        "  subq $8, %rsp\n  stmxcsr (%rsp)\n  fnstcw 4(%rsp)\n"
        "  movq %rsp, (%rdi)\n  movq %rsi, %rsp\n"
        "  ldmxcsr (%rsp)\n  fldcw 4(%rsp)\n  addq $8, %rsp\n"
        "  popq %r15\n  popq %r14\n  popq %r13\n  popq %r12\n  popq %rbx\n  popq %rbp\n"
        "  ret\n"
        ".size emu_switch, .-emu_switch\n");
#endif

void asan_start(void **fake, const void *bottom, size_t size) {
#ifdef EMU_ASAN
  __sanitizer_start_switch_fiber(fake, bottom, size);
#else
  (void)fake, (void)bottom, (void)size;
#endif
}
void asan_finish(void *fake, const void **bottom, size_t *size) {
#ifdef EMU_ASAN
  __sanitizer_finish_switch_fiber(fake, bottom, size);
#else
  (void)fake, (void)bottom, (void)size;
#endif
}

/* from the running fiber back to the scheduler; returns when the scheduler resumes this fiber */
void to_scheduler() {
  Fiber &f = fibers[current];
  asan_start(&f.asan_fake, scheduler_stack_bottom, scheduler_stack_size);
#if defined(__x86_64__)
  emu_switch(&f.sp, scheduler_sp);
#else
  swapcontext(&f.ctx, &scheduler);
#endif
  asan_finish(f.asan_fake, &scheduler_stack_bottom, &scheduler_stack_size);
}

[[noreturn]] void fiber_main() {
  asan_finish(nullptr, &scheduler_stack_bottom, &scheduler_stack_size);
  for (;;) {
    (*current_body)();
    fibers[current].state = FINISHED;
    to_scheduler();
  }
}

/* a fiber's stack and first frame, made once: its first switch enters fiber_main */
void start_fiber(Fiber &f) {
  if (!(f.stack = (char *)malloc(FIBER_STACK))) die("out of host memory for fiber stacks");
#if defined(__x86_64__)
  /* emu_switch pops the control words, six registers and the return address; fiber_main is then
   * entered as if called (rsp = 8 mod 16) with a null return address above. */
  uintptr_t top = ((uintptr_t)f.stack + FIBER_STACK) & ~(uintptr_t)15;
  uint64_t *ret = (uint64_t *)(top - 16);
  ret[1] = 0;
  ret[0] = (uint64_t)(uintptr_t)&fiber_main;
  for (int r = 1; r <= 6; ++r) ret[-r] = 0;
  uint32_t mxcsr;
  uint16_t fpucw;
  __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
  __asm__ volatile("fnstcw %0" : "=m"(fpucw));
  uint64_t *ctl = ret - 7;
  *ctl = 0;
  memcpy(ctl, &mxcsr, 4);
  memcpy((char *)ctl + 4, &fpucw, 2);
  f.sp = ctl;
#else
  getcontext(&f.ctx);
  f.ctx.uc_stack.ss_sp = f.stack;
  f.ctx.uc_stack.ss_size = FIBER_STACK;
  f.ctx.uc_link = nullptr;
  makecontext(&f.ctx, fiber_main, 0);
  f.sp = f.stack;
#endif
}

/* from the scheduler into fiber t until it switches back */
void run_fiber(unsigned t) {
  Fiber &f = fibers[t];
  void *fake = nullptr;
  current = (int)t;
  emu::thread_idx = {t, 0, 0};
  asan_start(&fake, f.stack, FIBER_STACK);
#if defined(__x86_64__)
  emu_switch(&scheduler_sp, f.sp);
#else
  swapcontext(&scheduler, &f.ctx);
#endif
  asan_finish(fake, nullptr, nullptr);
}

/* Releases the lanes of a warp whose 32 fibers all wait at the same collective. */
bool resolve_warp(Fiber *lane) {
  int waiting = 0, finished = 0;
  for (int l = 0; l < 32; ++l) waiting += lane[l].state == AT_WARP_COLLECTIVE, finished += lane[l].state == FINISHED;
  if (waiting == 0) return false;
  if (waiting != 32) {
    if (waiting + finished == 32) die("warp collective with lanes that have exited (the loop is not warp-uniform)");
    return false;
  }
  const int kind = lane[0].kind;
  unsigned long long ballot = 0;
  for (int l = 0; l < 32; ++l) {
    if (lane[l].kind != kind) die("lanes of one warp at different collectives");
    ballot |= (lane[l].val & 1ull) << l;
  }
  for (int l = 0; l < 32; ++l) {
    if (kind == 0) lane[l].out = ballot;
    else if (kind == 1) lane[l].out = lane[lane[l].arg & 31].val;
    else lane[l].out = l >= lane[l].arg ? lane[l - lane[l].arg].val : lane[l].val;
    lane[l].state = RUNNABLE;
  }
  return true;
}

void run_block(unsigned threads, std::function<void()> &body) {
  current_body = &body;
  for (unsigned t = 0; t < threads; ++t) {
    Fiber &f = fibers[t];
    if (!f.sp) start_fiber(f);
    f.state = RUNNABLE;
  }
  std::vector<unsigned> order(threads);
  for (unsigned t = 0; t < threads; ++t) order[t] = t;
  for (;;) {
    std::shuffle(order.begin(), order.end(), order_rng);
    bool progress = false;
    for (unsigned t : order)
      if (fibers[t].state == RUNNABLE) {
        run_fiber(t);
        progress = true;
      }
    for (unsigned w = 0; w < threads / 32; ++w) progress |= resolve_warp(&fibers[32 * w]);
    unsigned at_sync = 0, finished = 0;
    for (unsigned t = 0; t < threads; ++t) at_sync += fibers[t].state == AT_SYNCTHREADS, finished += fibers[t].state == FINISHED;
    if (finished == threads) return;
    if (at_sync && at_sync + finished == threads) {
      if (finished) die("__syncthreads after some threads of the block have exited");
      for (unsigned t = 0; t < threads; ++t) fibers[t].state = RUNNABLE;
      progress = true;
    }
    if (!progress) die("deadlock: fibers wait at collectives that can never complete");
  }
}

struct Setup {
  Setup() {
    const char *s = getenv("SG_EMU_SEED");
    order_rng.seed(s ? strtoull(s, nullptr, 0) : 20261124ull);
    const char *f = getenv("SG_EMU_FAIL_AT"), *k = getenv("SG_EMU_FAIL_STICKY");
    fail_at = f ? strtoull(f, nullptr, 10) : 0;
    fail_sticky = k && *k && strcmp(k, "0") != 0;
    if (f && fail_at) return;   /* the fault runs stay quiet */
    if (getenv("SG_EMU_PROFILE_FILE")) return;   /* so do the profile runs */
    fprintf(stderr, "cuda_emu: CUDA runtime emulated on the host (tests/cuda_emu): kernels run as fibers, "
                    "this is not a GPU run\n");
  }
  ~Setup() {
    for (Fiber &f : fibers) free(f.stack);
    if (const char *pf = getenv("SG_EMU_PROFILE_FILE")) write_profile(pf);
    if (const char *cf = getenv("SG_EMU_COUNT_FILE")) {
      if (FILE *o = fopen(cf, "w")) {
        fprintf(o, "%llu\n", n_fallible);
        fclose(o);
      }
    }
    if (live_device || live_pinned) {
      fprintf(stderr, "cuda_emu: %ld device and %ld pinned allocations never freed\n", live_device, live_pinned);
      fflush(NULL);
      _exit(3);
    }
  }
} setup;
}  // namespace

unsigned long long emu::collective(int kind, unsigned long long value, int arg) {
  Fiber &f = fibers[current];
  f.kind = kind;
  f.val = value;
  f.arg = arg;
  f.state = kind == 3 ? AT_SYNCTHREADS : AT_WARP_COLLECTIVE;
  to_scheduler();
  return fibers[current].out;
}

void emu::launch_fn(unsigned grid, unsigned block, cudaStream_t stream, std::function<void()> body,
                    const void *kernel) {
  if (grid == 0 || grid > 0x7fffffffu || block == 0 || block > 1024) {
    sticky_error = cudaErrorInvalidConfiguration;
    return;
  }
  if (block % 32) die("block size not a multiple of 32 (the kernels' warp collectives need full warps)");
  /* a launch fails at capture or on its own, never inside a graph's replay (the graph launch is
   * the call that can fail there) */
  if (const cudaError_t e = replaying || executing ? cudaSuccess : injected(cudaErrorInvalidConfiguration)) {
    sticky_error = e;
    return;
  }
  if (capturing) {
    captured.push_back([grid, block, stream, body, kernel]() { emu::launch_fn(grid, block, stream, body, kernel); });
    return;
  }
  if (!executing) {
    enqueue(stream, [grid, block, stream, body, kernel]() { emu::launch_fn(grid, block, stream, body, kernel); });
    return;
  }
  prof.kernels[kernel]++;
  std::vector<unsigned> blocks(grid);
  for (unsigned b = 0; b < grid; ++b) blocks[b] = b;
  std::shuffle(blocks.begin(), blocks.end(), order_rng);
  for (unsigned b : blocks) {
    emu::block_idx = {b, 0, 0};
    emu::block_dim = {block, 1, 1};
    emu::grid_dim = {grid, 1, 1};
    run_block(block, body);
  }
}

struct emu_graph { std::vector<std::function<void()>> launches; };
struct emu_event { double t_ms = 0.0; bool done = false; cudaStream_t stream = nullptr; };
struct emu_stream { int unused; };

extern "C" {
const char *cudaGetErrorName(cudaError_t e) {
  switch (e) {
    case cudaSuccess: return "cudaSuccess";
    case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
    case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
    case cudaErrorInvalidConfiguration: return "cudaErrorInvalidConfiguration";
    case cudaErrorIllegalAddress: return "cudaErrorIllegalAddress";
    case cudaErrorNoKernelImageForDevice: return "cudaErrorNoKernelImageForDevice";
    case cudaErrorNotSupported: return "cudaErrorNotSupported";
    case cudaErrorStreamCaptureInvalidated: return "cudaErrorStreamCaptureInvalidated";
    default: return "cudaErrorUnknown";
  }
}
const char *cudaGetErrorString(cudaError_t e) { return e ? "error in the host emulation (tests/cuda_emu)" : "no error"; }
cudaError_t cudaGetLastError(void) {
  if (context_dead) return cudaErrorIllegalAddress;
  const cudaError_t e = sticky_error;
  sticky_error = cudaSuccess;
  return e;
}
cudaError_t cudaPeekAtLastError(void) { return context_dead ? cudaErrorIllegalAddress : sticky_error; }
cudaError_t cudaGetDeviceCount(int *n) { *n = 1; return cudaSuccess; }
cudaError_t cudaSetDevice(int d) { return d == 0 ? cudaSuccess : cudaErrorInvalidValue; }
cudaError_t cudaGetDevice(int *d) { *d = 0; return cudaSuccess; }
cudaError_t cudaGetDeviceProperties(struct cudaDeviceProp *p, int) {
  memset(p, 0, sizeof *p);
  strcpy(p->name, "host emulation (tests/cuda_emu)");
  p->major = 9;
  p->minor = 0;
  p->totalGlobalMem = (size_t)80 << 30;
  p->multiProcessorCount = 2;   /* small, so grid-stride loops make several trips */
  return cudaSuccess;
}
cudaError_t cudaFuncGetAttributes(struct cudaFuncAttributes *a, const void *) {
  const char *no_image = getenv("SG_EMU_NO_KERNEL_IMAGE");   /* a device this build has no image for */
  if (no_image && *no_image && strcmp(no_image, "0") != 0) return cudaErrorNoKernelImageForDevice;
  const char *m = getenv("SG_EMU_MAX_BLOCK");   /* a kernel that cannot launch 1024 threads */
  a->maxThreadsPerBlock = m ? atoi(m) : 1024;
  a->numRegs = 32;
  return cudaSuccess;
}
cudaError_t cudaMalloc(void **p, size_t n) {
  INJECT(cudaErrorMemoryAllocation);
  if (!(*p = malloc(n ? n : 1))) return cudaErrorMemoryAllocation;
  memset(*p, 0xA5, n);
  ++live_device;
  return cudaSuccess;
}
cudaError_t cudaFree(void *p) {   /* waits for the device; after a device fault: freed all the same, but reported */
  drain_all();
  if (p) free(p), --live_device;
  return context_dead ? cudaErrorIllegalAddress : cudaSuccess;
}
cudaError_t cudaMallocHost(void **p, size_t n) {
  INJECT(cudaErrorMemoryAllocation);
  if (!(*p = malloc(n ? n : 1))) return cudaErrorMemoryAllocation;
  memset(*p, 0x5A, n);
  pinned[(const char *)*p] = n;
  ++live_pinned;
  return cudaSuccess;
}
cudaError_t cudaFreeHost(void *p) {
  drain_all();
  if (p) pinned.erase((const char *)p), free(p), --live_pinned;
  return context_dead ? cudaErrorIllegalAddress : cudaSuccess;
}
cudaError_t cudaMemGetInfo(size_t *free_b, size_t *total_b) {
  INJECT(cudaErrorInvalidValue);
  const char *f = getenv("SG_EMU_FREE_BYTES");   /* to test the "does not fit" error */
  *free_b = f ? strtoull(f, nullptr, 10) : ((size_t)64 << 30);
  *total_b = (size_t)80 << 30;
  return cudaSuccess;
}
cudaError_t cudaMemcpy(void *d, const void *s, size_t n, enum cudaMemcpyKind kind) {
  INJECT(cudaErrorInvalidValue);
  if (capturing) die("synchronous cudaMemcpy during stream capture");
  drain(nullptr);   /* the legacy default stream only */
  prof.host_waits++;
  (kind == cudaMemcpyHostToDevice ? prof.h2d_bytes : prof.d2h_bytes) += n;
  memcpy(d, s, n);
  return cudaSuccess;
}
cudaError_t cudaMemcpyAsync(void *d, const void *s, size_t n, enum cudaMemcpyKind kind, cudaStream_t st) {
  INJECT(cudaErrorInvalidValue);
  if (capturing) die("cudaMemcpyAsync during stream capture (not used by the backend)");
  if (kind == cudaMemcpyHostToDevice) prof.h2d_bytes += n;
  else if (kind == cudaMemcpyDeviceToHost) prof.d2h_bytes += n;
  if (kind == cudaMemcpyHostToDevice && !is_pinned(s)) {   /* staged now */
    std::vector<char> staged((const char *)s, (const char *)s + n);
    enqueue(st, [d, staged]() { memcpy(d, staged.data(), staged.size()); });
  } else if (kind == cudaMemcpyDeviceToHost && !is_pinned(d)) {   /* pageable destination: synchronous */
    drain(st);
    prof.host_waits++;
    memcpy(d, s, n);
  } else {
    enqueue(st, [d, s, n]() { memcpy(d, s, n); });
  }
  return cudaSuccess;
}
cudaError_t cudaMemcpy2DAsync(void *d, size_t dpitch, const void *s, size_t spitch, size_t width, size_t height,
                              enum cudaMemcpyKind kind, cudaStream_t st) {
  INJECT(cudaErrorInvalidValue);
  if (width > dpitch || width > spitch) return cudaErrorInvalidValue;
  if (kind != cudaMemcpyDeviceToDevice) die("cudaMemcpy2DAsync other than device to device (not used by the backend)");
  enqueue(st, [=]() {
    for (size_t r = 0; r < height; ++r) memcpy((char *)d + r * dpitch, (const char *)s + r * spitch, width);
  });
  return cudaSuccess;
}
cudaError_t cudaMemsetAsync(void *p, int v, size_t n, cudaStream_t st) {
  INJECT(cudaErrorInvalidValue);
  if (capturing) die("cudaMemsetAsync during stream capture (not used by the backend)");
  enqueue(st, [p, v, n]() { memset(p, v, n); });
  return cudaSuccess;
}
cudaError_t cudaStreamCreateWithFlags(cudaStream_t *s, unsigned) { *s = new emu_stream(); return cudaSuccess; }
cudaError_t cudaStreamDestroy(cudaStream_t s) {   /* its queued work still completes */
  drain(s);
  queued.erase(s);
  delete s;
  return cudaSuccess;
}
cudaError_t cudaStreamSynchronize(cudaStream_t s) {
  INJECT(cudaErrorInvalidValue);
  if (capturing) return cudaErrorStreamCaptureInvalidated;
  drain(s);
  prof.host_waits++;
  return cudaSuccess;
}
cudaError_t cudaStreamBeginCapture(cudaStream_t, enum cudaStreamCaptureMode) {
  INJECT(cudaErrorInvalidValue);
  if (capturing) return cudaErrorInvalidValue;
  capturing = true;
  captured.clear();
  return cudaSuccess;
}
cudaError_t cudaStreamEndCapture(cudaStream_t, cudaGraph_t *g) {
  if (!capturing) return cudaErrorInvalidValue;
  capturing = false;
  *g = new emu_graph{captured};
  captured.clear();
  return cudaSuccess;
}
cudaError_t cudaGraphInstantiate(cudaGraphExec_t *e, cudaGraph_t g, unsigned long long) {
  INJECT(cudaErrorInvalidValue);
  *e = new emu_graph{g->launches};
  return cudaSuccess;
}
cudaError_t cudaGraphDestroy(cudaGraph_t g) { delete g; return cudaSuccess; }
cudaError_t cudaGraphExecDestroy(cudaGraphExec_t e) { delete e; return cudaSuccess; }
cudaError_t cudaGraphLaunch(cudaGraphExec_t e, cudaStream_t st) {
  INJECT(cudaErrorInvalidValue);
  const std::vector<std::function<void()>> launches = e->launches;   /* the exec may be destroyed before it runs */
  prof.graph_launches++;
  enqueue(st, [launches]() {
    replaying = true;
    for (auto &launch : launches) launch();
    replaying = false;
  });
  return cudaSuccess;
}
cudaError_t cudaEventCreate(cudaEvent_t *ev) { *ev = new emu_event(); return cudaSuccess; }
cudaError_t cudaEventDestroy(cudaEvent_t ev) { drain_all(); delete ev; return cudaSuccess; }
cudaError_t cudaEventRecord(cudaEvent_t ev, cudaStream_t st) {
  INJECT(cudaErrorInvalidValue);
  if (capturing) die("cudaEventRecord during stream capture (not used by the backend)");
  ev->done = false;
  ev->stream = st;
  enqueue(st, [ev]() {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ev->t_ms = 1e3 * (double)ts.tv_sec + 1e-6 * (double)ts.tv_nsec;
    ev->done = true;
  });
  return cudaSuccess;
}
/* The waiting stream, when it runs this, first runs the recording stream's queue up to the event
 * and then on to its end: a device may run the later work of that stream before the waiting
 * stream's next operation, and running it first shows a download that reads a buffer the later
 * work writes (the cuda backend's double-buffered recording, cu_run). */
cudaError_t cudaStreamWaitEvent(cudaStream_t st, cudaEvent_t ev, unsigned) {
  INJECT(cudaErrorInvalidValue);
  if (capturing) die("cudaStreamWaitEvent during stream capture (not used by the backend)");
  enqueue(st, [ev]() {
    auto &q = queued[ev->stream];
    while (!q.empty()) {
      std::function<void()> op = std::move(q.front());
      q.erase(q.begin());
      op();
    }
  });
  return cudaSuccess;
}
cudaError_t cudaEventSynchronize(cudaEvent_t) {
  INJECT(cudaErrorInvalidValue);
  drain_all();
  prof.host_waits++;
  return cudaSuccess;
}
cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t a, cudaEvent_t b) {
  if (!a->done || !b->done) return cudaErrorInvalidValue;   /* CUDA: cudaErrorNotReady */
  *ms = (float)(b->t_ms - a->t_ms);
  return cudaSuccess;
}
}
