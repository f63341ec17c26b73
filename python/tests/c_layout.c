/* python/tests/c_layout.c - prints sizeof / offsetof of the public structs, so that
 * test_c_equivalence.py can check the ctypes declarations of spikegpu._capi against the header. */
#include <stddef.h>
#include <stdio.h>

#include "spikegpu.h"

#define S(T) printf("size %s %zu\n", #T, sizeof(T))
#define O(T, f) printf("offset %s %s %zu\n", #T, #f, offsetof(T, f))

int main(void) {
  S(sg_config); O(sg_config, resolution_ms); O(sg_config, seed); O(sg_config, backend);
  O(sg_config, threads); O(sg_config, output_dir); O(sg_config, keep_in_memory); O(sg_config, progress);
  O(sg_config, flush_interval_ms); O(sg_config, cuda_block_size); O(sg_config, verbose); O(sg_config, report_double); O(sg_config, overwrite_files);
  S(sg_nodes); O(sg_nodes, first); O(sg_nodes, n); O(sg_nodes, ids);
  S(sg_entry_info); O(sg_entry_info, name); O(sg_entry_info, unit); O(sg_entry_info, allowed);
  O(sg_entry_info, doc); O(sg_entry_info, def); O(sg_entry_info, kind);
  S(sg_conn_spec); O(sg_conn_spec, rule); O(sg_conn_spec, indegree); O(sg_conn_spec, outdegree);
  O(sg_conn_spec, N); O(sg_conn_spec, p); O(sg_conn_spec, allow_autapses); O(sg_conn_spec, allow_multapses);
  O(sg_conn_spec, procedural);
  S(sg_value); O(sg_value, kind); O(sg_value, value); O(sg_value, array); O(sg_value, len);
  O(sg_value, a); O(sg_value, b); O(sg_value, lo); O(sg_value, hi);
  S(sg_syn_spec); O(sg_syn_spec, model); O(sg_syn_spec, weight); O(sg_syn_spec, delay);
  O(sg_syn_spec, receptor_type);
  S(sg_memory); O(sg_memory, n_nodes); O(sg_memory, n_synapses); O(sg_memory, csr_bytes);
  O(sg_memory, ring_bytes); O(sg_memory, state_bytes); O(sg_memory, record_bytes);
  O(sg_memory, total_bytes); O(sg_memory, bytes_per_synapse);
  S(sg_run_stats); O(sg_run_stats, wall_s); O(sg_run_stats, neuron_updates); O(sg_run_stats, spikes);
  O(sg_run_stats, syn_events);
  return 0;
}
