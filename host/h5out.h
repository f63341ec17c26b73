/* h5out.h - SONATA output files (spikes and reports), appended block by block during a run.
 * Host layer; host/h5out.c is the only file of the library that includes hdf5.h.
 *
 * CRASH SAFETY AND RECOVERY OF A KILLED RUN'S FILES.
 *     h5clear -s FILE.h5        (h5clear: Debian package hdf5-tools)
 * Files use HDF5's latest (1.10) format. A file is made under a temporary name
 * (".<name>.partial" in the same folder) and its objects are created in normal mode; the first
 * sg_h5_flush or append switches it to SWMR write mode (H5Fstart_swmr_write), in which HDF5
 * orders its metadata writes so that the file is consistent at every instant, flushes it and
 * only then renames it to its own name, so a file under its own name can be opened by an SWMR
 * reader at any moment, also when the run was killed before its first block (sg_h5_close also
 * renames a file that never got that far). Every append ends with H5Fflush.
 * So a run that is killed (SIGKILL, OOM killer, a crash) keeps every block whose append
 * returned SG_OK, bit for bit, and nothing is lost before it. Its superblock still says "open
 * for SWMR writing", so plain readers (h5py's default, libsonata, h5dump) refuse it with "file
 * is already open for write (may use <h5clear file> to clear file consistency flags)" until
 * `h5clear -s FILE.h5` has run; SWMR readers (h5py.File(path, "r", swmr=True), or
 * H5F_ACC_SWMR_READ) open it as it is, also while the simulation still runs. Files closed with
 * sg_h5_close need nothing.
 * A kill that lands inside an append may leave part of that one block: report rows past
 * mapping/time's stop (by design: rows are flushed before stop moves; libsonata ignores them,
 * h5py users should read data[:n] with n = (stop - start) / step), or, in 1-2% of random kills
 * when tiny appends run back to back and far fewer in a real run, spike timestamps one block
 * longer than node_ids (libsonata then refuses the population; use the common prefix).
 * Reading such a torn tail may fail with "addr overflow" unless `h5clear -s --increment=0
 * FILE.h5` also moves the end-of-allocation mark. tests/test_h5out.c proves all this (kill
 * after 5 blocks, and kills at random moments).
 * Why not plain flushing of the old format (which needs no recovery step): in a random-kill
 * stress run (test_h5out.c's kill_random, scaled up) it corrupted blocks that had been flushed
 * long before (report rows read back wrong, 4 times in 5000 kills; presumably a kill inside a
 * flush that rewrites the v1 B-tree chunk index), while SWMR never did in 10500 kills. Both
 * leave the torn in-flight block described above.
 * H5Fflush does not fsync: this covers the process dying, not the machine losing power.
 *
 * ERRORS. Every call returns an sg_status. On failure `err` (may be NULL) receives a message
 * naming the file, the object (dataset or group) and the innermost HDF5 error (major / minor /
 * description, e.g. "errno = 28, error message = 'No space left on device'"). Low-level I/O
 * failures (cannot create, read, write) are SG_ERR_IO; other HDF5 failures SG_ERR_HDF5. HDF5's
 * automatic error printing is switched off during each call (and restored afterwards).
 * A failed append rolls the population back to its last good block and flushes that state, so
 * the file stays readable up to the last successful append, and the handle stays usable: the
 * caller retries the same block later (a full disk is often transient: once space is freed the
 * retry succeeds and the file is as if nothing had failed). Only failures that leave the file in
 * an unknown state (the switch to SWMR mode, the reopen after a late population, a failed
 * rollback) are sticky: the handle then refuses further appends and populations but must still
 * be closed with sg_h5_close.
 *
 * A handle is not thread-safe; use one handle per thread. */
/* SPDX-License-Identifier: MIT */
#ifndef SG_H5OUT_H
#define SG_H5OUT_H

#include <stddef.h>
#include <stdint.h>

#include "spikegpu.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One open output file (spikes or report). */
typedef struct sg_h5 sg_h5;

/* Run metadata written as attributes of the file's root group at create time:
 * resolution_ms (float64), seed (uint64), backend, version and run_id (variable-length UTF-8
 * strings; a NULL field is not written), and t_start (float64, ms) = t_start_ms, the simulated
 * time at which the file begins (the recorder's data lie after it). run_id identifies the run that wrote the file (the
 * simulator uses 32 random hex digits), so a file left by an earlier run is recognisable. network_json (NULL = none) may be megabytes, so it is stored
 * as the scalar variable-length UTF-8 string dataset /metadata/network_json
 * (h5py: f["metadata/network_json"].asstr()[()]).
 * report_float32 (report files only): 0 stores report data as float64, exactly the values
 * appended; 1 stores float32 (each value rounded to nearest), which libsonata's
 * ElementReportReader requires: it refuses float64 data ("DataType of dataset 'data' should
 * be Float32"). Spike files are libsonata-readable either way. */
typedef struct sg_h5_meta {
  double resolution_ms;
  uint64_t seed;
  const char *backend;
  const char *version;
  const char *network_json;
  int report_float32;
  const char *run_id;
  double t_start_ms;
} sg_h5_meta;

/* Creates a SONATA spike file for `path` with an empty /spikes group and the metadata `meta`
 * (NULL = none; t_start is then 0); it is written under a temporary name and replaces any
 * existing `path` at the first flush or append (see above). Every file also gets the root
 * dataset /t_stop (see sg_h5_set_t_stop), equal to t_start until it is moved. *out is NULL on
 * failure. */
sg_status sg_h5_spikes_create(const char *path, const sg_h5_meta *meta, sg_h5 **out, char *err,
                              size_t errlen);

/* Adds the node population /spikes/<name>: datasets timestamps (float64, attribute
 * units = "ms") and node_ids (uint64, 0-based within the population), both empty, chunked and
 * extendable; group attributes sorting (HDF5 enum over uint8 {none = 0, by_id = 1,
 * by_time = 2}, the type libsonata reads; set to by_time) and first_global_id (uint64).
 * `name` is non-empty, without '/', and unique in the file. *pop receives a handle >= 0.
 * Populations are best added before the first append: afterwards HDF5 1.10 cannot create
 * objects in SWMR mode, so the file is closed and reopened, and until the next append it is
 * written without SWMR's ordering (a kill in that window is not covered). A failed call leaves
 * no trace of the population. */
sg_status sg_h5_spikes_population(sg_h5 *f, const char *name, uint64_t first_global_id, int *pop,
                                  char *err, size_t errlen);

/* Appends n spikes (times in ms, node ids 0-based within the population) to population `pop`
 * and flushes. Times must be non-decreasing, also across calls (the file says sorting =
 * by_time); otherwise SG_ERR_ARG and nothing is written. n = 0 is a no-op. */
sg_status sg_h5_spikes_append(sg_h5 *f, int pop, const double *times_ms, const uint64_t *node_ids,
                              size_t n, char *err, size_t errlen);

/* Creates a SONATA report file for `path` with an empty /report group and `meta` (NULL = none),
 * as for spike files. */
sg_status sg_h5_report_create(const char *path, const sg_h5_meta *meta, sg_h5 **out, char *err,
                              size_t errlen);

/* Adds the report population /report/<name> for n_nodes >= 1 nodes, one element (value) each:
 *   data                    float64 [n_samples x n_nodes], extendable in n_samples, units = unit
 *   mapping/node_ids        uint64 [n_nodes] = node_ids (attribute sorted = 1 if ascending)
 *   mapping/index_pointers  uint64 [n_nodes + 1] = 0, 1, ..., n_nodes
 *   mapping/element_ids     uint32 [n_nodes] = 0
 *   mapping/time            float64 [3] = {t_start_ms, stop, dt_ms}, units = "ms", where
 *                           stop = t_start_ms + n_samples * dt_ms (exclusive, as libsonata reads it)
 * dt_ms > 0 and finite; unit (NULL = "") is the data's unit. *pop receives a handle >= 0.
 * As for spike populations, add them before the first append when possible. */
sg_status sg_h5_report_population(sg_h5 *f, const char *name, const uint64_t *node_ids,
                                  size_t n_nodes, double t_start_ms, double dt_ms, const char *unit,
                                  int *pop, char *err, size_t errlen);

/* Appends n_rows samples (rows: n_rows x n_nodes float64, row-major, one row per sample time)
 * to report population `pop`, updates mapping/time's stop and flushes. n_rows = 0 is a no-op. */
sg_status sg_h5_report_append(sg_h5 *f, int pop, const double *rows, size_t n_rows, char *err,
                              size_t errlen);

/* Records that the file is complete up to simulated time t_ms: every spike and every report
 * row with time <= t_ms that the run recorded is in it. Writes the root
 * dataset /t_stop (scalar float64, compact layout, i.e. stored in HDF5 metadata, attribute
 * units = "ms") and flushes. Call it after the appends that complete the file up to t_ms have
 * returned SG_OK: they flushed their data first, so a reader, and a file cut by a kill at any
 * instant, never sees a t_stop ahead of the data (at worst one block behind). It is a
 * dataset, not an attribute, because attributes cannot be created or safely rewritten in SWMR
 * write mode. t_ms is finite and >= the current t_stop (which starts at t_start); else
 * SG_ERR_ARG and nothing changes. A failure (e.g. a full disk) leaves the file readable, with
 * the old or the new value (both are correct); call it again later. */
sg_status sg_h5_set_t_stop(sg_h5 *f, double t_ms, char *err, size_t errlen);

/* Switches the file to SWMR write mode if it is not yet (so it is published under its own name
 * and readable by SWMR readers from now on, also after a kill) and flushes it. Call it once the
 * populations are made; appends flush by themselves. */
sg_status sg_h5_flush(sg_h5 *f, char *err, size_t errlen);

/* Closes every object and the file and frees f, also after a failure. NULL is a no-op (SG_OK).
 * Returns the first error met while closing (a failed final flush, e.g. a full disk). */
sg_status sg_h5_close(sg_h5 *f, char *err, size_t errlen);

/* Test hook (not thread-safe): the n-th HDF5 call from now that modifies a file (create,
 * extend, write, flush, in any handle) fails as an HDF5 error would, with the message
 * "injected failure"; n <= 0 switches injection off. Lets tests reach every error path
 * without a full disk. */
void sg_h5_fail_after(int n_writes);

#ifdef __cplusplus
}
#endif

#endif
