package io.enhancedrl.api;

/**
 * A snapshot of a {@link Ranker}'s device health and fault counters ({@link Ranker#health()}).
 *
 * <p>The counters only grow (for the ranker's lifetime; {@link Ranker#resetDeviceHealth()} does not clear
 * them). Each is read atomically, but a snapshot taken while requests run may pair a fault with a fallback
 * count from a moment earlier or later; once the requests have returned they are consistent:
 * every request a thread saw returned was answered either by {@link #backend()} or, exactly
 * {@link #cpuFallbackRequests()} times, by {@link #fallbackBackend()}.
 *
 * @param backend the name of the ranker's kernel backend ("cuda", or a CPU backend)
 * @param fallbackBackend the CPU backend that answers when the device fails (the same as backend when that
 *                        is already a CPU backend: then nothing is ever counted)
 * @param deviceHealthy false from the first device failure until {@link Ranker#resetDeviceHealth()} succeeds;
 *                      while false every request is answered on the fallback
 * @param deviceFaults device failures seen: one per request that failed on the device, plus one per failed
 *                     {@link Ranker#resetDeviceHealth()} probe
 * @param cpuFallbackRequests requests answered on the fallback: the ones that failed on the device plus the
 *                            ones routed there while the device was unhealthy
 * @param lastFault the message of the last device failure (op, shapes, driver call, status), or null when
 *                  there was none
 */
public record RankerHealth(String backend, String fallbackBackend, boolean deviceHealthy, long deviceFaults,
                           long cpuFallbackRequests, String lastFault) {
}
