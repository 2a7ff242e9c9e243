using System.Diagnostics;
using System.Text.Json.Serialization;

namespace Mycnet.Networking.Perf.Quic;

/// <summary>
/// A process's memory after a full, blocking, compacting collection: the managed heap (live
/// objects plus fragmentation, <see cref="GC.GetTotalMemory(bool)"/>) and the working set
/// (managed and native memory resident, including OpenSSL's cipher contexts and thread stacks).
/// </summary>
/// <param name="ManagedHeapBytes">Bytes in the managed heap after the collection.</param>
/// <param name="WorkingSetBytes">The process's resident memory.</param>
/// <param name="Connections">Connections the process held when measured (a server's count; 0 when not counted).</param>
internal sealed record MemorySnapshot(
    [property: JsonPropertyName("managed_heap_bytes")] long ManagedHeapBytes,
    [property: JsonPropertyName("working_set_bytes")] long WorkingSetBytes,
    [property: JsonPropertyName("connections")] int Connections)
{
    public static MemorySnapshot Take(int connections)
    {
        for (int i = 0; i < 2; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        long heap = GC.GetTotalMemory(forceFullCollection: false);
        using var process = Process.GetCurrentProcess();
        return new MemorySnapshot(heap, process.WorkingSet64, connections);
    }

    public static MemorySnapshot operator -(MemorySnapshot after, MemorySnapshot before) =>
        new(after.ManagedHeapBytes - before.ManagedHeapBytes, after.WorkingSetBytes - before.WorkingSetBytes, after.Connections - before.Connections);

    public static MemorySnapshot operator +(MemorySnapshot left, MemorySnapshot right) =>
        new(left.ManagedHeapBytes + right.ManagedHeapBytes, left.WorkingSetBytes + right.WorkingSetBytes, left.Connections + right.Connections);
}
