using System.Diagnostics;
using System.Net;
using Mycnet.Networking.Quic.Core.Crypto;
using Mycnet.Networking.Quic.Core.Tls;
using Mycnet.Networking.Testing;
using Mycnet.Networking.Testing.Quic;
using Mycnet.Networking.Testing.Simulation;
using static Mycnet.Networking.Quic.Core.Tests.Mutation.MutationBytes;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <summary>How densely a campaign mutates.</summary>
internal sealed record MutationProfile
{
    /// <summary>Mean raw mutants injected before each delivered datagram.</summary>
    public double RawPerStep { get; init; } = 1.0;

    /// <summary>Authenticated mutants injected before each delivered datagram from the run's start step on.</summary>
    public int AuthenticatedPerStep { get; init; } = 1;

    /// <summary>Authenticated mutants of the client's first Initial, each fed to a fresh server endpoint.</summary>
    public int FreshServerMutantsPerRun { get; init; } = 3;

    /// <summary>The step from which authenticated mutants start is uniform in [0, this).</summary>
    public int AuthenticatedStartMax { get; init; } = 24;

    /// <summary>Virtual time after which a run is cut off.</summary>
    public TimeSpan RunLimit { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often (in runs) the managed heap is measured after a full collection.</summary>
    public int HeapSampleEveryRuns { get; init; } = 250;
}

/// <summary>
/// The mutation campaign: runs seeded scenarios of a client and a server engine in the simulated
/// network and, before each datagram is delivered, injects mutants of it — raw ones (no keys) and
/// authenticated ones (decrypted with the recorded keys, frames changed, sealed again with the same
/// packet number). Each mutant is checked: no exception escapes, every queue stays bounded, and
/// each connection of the receiving host either ignored it, processed it and stayed open, or
/// closed with a transport error (never INTERNAL_ERROR). Runs that saw only raw mutants must still
/// complete their scenario exactly. See <see cref="MutationHost"/> for how inputs are driven.
/// </summary>
/// <remarks>
/// TLS draws its randomness from the operating system, so a run cannot be replayed byte for byte
/// into fresh connections; instead the mutants are injected into the live connections at the
/// recorded point, with the keys that run logged. A run is reproduced from its seed up to that
/// randomness: the same scenario, the same datagram sequence, the same mutation choices (each
/// mutant has its own seed derived from the run seed, step and index).
/// </remarks>
internal sealed partial class MutationCampaign
{
    public static readonly IPEndPoint ClientAddress = new(IPAddress.Parse("10.9.0.1"), 50000);
    public static readonly IPEndPoint ServerAddress = new(IPAddress.Parse("10.9.0.2"), 4433);

    private const int ConnectionIdLength = 8;

    private readonly int _seed;
    private readonly long _iterations;
    private readonly MutationProfile _profile;

    public MutationCampaign(int seed, long iterations, MutationProfile? profile = null)
    {
        _seed = seed;
        _iterations = iterations;
        _profile = profile ?? new MutationProfile();
    }

    public MutationStats Stats { get; } = new();

    /// <summary>A single datagram may make the engine (and the application's reaction) allocate at most this much.</summary>
    public const long MaxAllocationPerMutant = 4L * 1024 * 1024;

    private long _progress;
    private volatile RunState? _currentRun;
    private volatile Mutant? _currentMutant;

    /// <summary>Grows with every delivered datagram and every mutant (for a watchdog on another thread).</summary>
    public long Progress => Interlocked.Read(ref _progress);

    /// <summary>What the campaign is doing now (for a watchdog's failure message).</summary>
    public string Activity => _currentRun is { } run ? run.Describe("in progress", _currentMutant, null) : "not started";

    /// <summary>Runs until <c>iterations</c> mutants were injected (or only run <paramref name="onlyRun"/>).</summary>
    public MutationStats Run(int? onlyRun = null)
    {
        var clock = Stopwatch.StartNew();
        long allocatedBefore = GC.GetTotalAllocatedBytes();
        if (onlyRun is { } single)
        {
            RunOne(single);
        }
        else
        {
            for (int index = 0; Stats.Mutants < _iterations; index++)
            {
                RunOne(index);
                if (index == 0)
                {
                    Stats.BaselineHeapBytes = GC.GetTotalMemory(forceFullCollection: true);
                    Stats.MaxHeapBytes = Stats.BaselineHeapBytes;
                }
                else if (index % _profile.HeapSampleEveryRuns == 0)
                {
                    Stats.MaxHeapBytes = Math.Max(Stats.MaxHeapBytes, GC.GetTotalMemory(forceFullCollection: true));
                }
            }
        }

        Stats.FinalHeapBytes = GC.GetTotalMemory(forceFullCollection: true);
        Stats.MaxHeapBytes = Math.Max(Stats.MaxHeapBytes, Stats.FinalHeapBytes);
        Stats.AllocatedBytes = GC.GetTotalAllocatedBytes() - allocatedBefore;
        using (var process = Process.GetCurrentProcess())
        {
            Stats.PeakWorkingSetBytes = process.PeakWorkingSet64;
        }

        Stats.Elapsed = clock.Elapsed;
        return Stats;
    }

    /// <summary>The seed of run <paramref name="index"/> (SplitMix64 of the campaign seed and the index).</summary>
    public static int RunSeed(int campaignSeed, int index) => (int)Mix(((ulong)(uint)campaignSeed << 32) | (uint)index);

    private static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    private static Random MutantRandom(int runSeed, int step, int index) => new((int)Mix(((ulong)(uint)runSeed << 32) ^ ((ulong)(uint)step << 12) ^ (uint)index));

    private void RunOne(int index)
    {
        using var run = new RunState(this, index, RunSeed(_seed, index));
        _currentRun = run;
        Stats.Runs++;
        bool aborted = false;
        try
        {
            run.Start();
            run.Network.RunUntil(() => run.IsFinished, _profile.RunLimit);
        }
        catch (Exception e)
        {
            aborted = true;
            if (!IsAbort(e))
            {
                // Not during an injection: a later input, a timeout or an output failed.
                Stats.Fail(run.Describe("an exception escaped outside an injection", run.LastMutant, e));
            }
        }

        Stats.RecordedDatagrams += run.Recording.Count;
        Stats.Steps += run.Steps;
        if (aborted)
        {
            Stats.RunsAborted++;
            return;
        }

        run.CheckEnd();
    }

    /// <summary>Whether <paramref name="e"/> is (or wraps, as the simulator does) the harness's own stop signal.</summary>
    private static bool IsAbort(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is RunAbortedException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Thrown to stop a run after a failure was recorded.</summary>
    private sealed class RunAbortedException : Exception
    {
    }

    /// <summary>A delivered datagram: which way, when, between which addresses, and its bytes.</summary>
    internal sealed record RecordedDatagram(Direction Direction, Instant Time, IPEndPoint Source, IPEndPoint Destination, byte[] Datagram);

    private sealed record Mutant(string Operator, string Detail, bool Authenticated, byte[] Datagram, OpenedPacket? Target, byte[]? Plaintext, Direction Direction, int Step, int Index);

    private readonly record struct ConnectionSnapshot(ConnectionState State, long PacketsReceived);
}
