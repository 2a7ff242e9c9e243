using System.Text;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <summary>What a connection did with one injected datagram.</summary>
internal enum MutantOutcome
{
    /// <summary>Dropped without effect on the connection's state.</summary>
    Ignored,

    /// <summary>A packet of it was authenticated and its frames processed; the connection stays open.</summary>
    Processed,

    /// <summary>The connection closed with a transport error of its own (CONNECTION_CLOSE sent).</summary>
    ClosedWithError,

    /// <summary>The mutant carried a valid CONNECTION_CLOSE: the connection drains (RFC 9000 §10.2.2).</summary>
    PeerClose,

    /// <summary>A client before any server packet abandoned the attempt on a Version Negotiation packet (RFC 9000 §6.2).</summary>
    VersionNegotiation,

    /// <summary>The datagram ended in a known stateless reset token (RFC 9000 §10.3.1).</summary>
    StatelessReset,

    /// <summary>An exception escaped, or the connection closed in a way a peer's datagram must not cause.</summary>
    Failure,
}

/// <summary>Counters of a mutation campaign and the failures it found, formatted for the test output.</summary>
internal sealed class MutationStats
{
    private const int MaxFailuresKept = 40;

    private readonly SortedDictionary<string, long[]> _byOperator = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _closeCodes = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, SortedDictionary<string, long>> _closeCodesByOperator = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _reachedByLevel = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _refused = new(StringComparer.Ordinal);

    public long Mutants { get; private set; }

    /// <summary>Authenticated mutants that reached frame processing, by level and receiver.</summary>
    public IReadOnlyDictionary<string, long> ReachedByLevel => _reachedByLevel;

    public long Raw { get; private set; }

    public long Authenticated { get; private set; }

    public long Shadow { get; private set; }

    /// <summary>Authenticated mutants whose mutated packet was authenticated and its frames processed on arrival.</summary>
    public long ReachedFrames { get; private set; }

    /// <summary>Raw mutants of which some packet (an intact one) was authenticated and processed.</summary>
    public long RawProcessedPackets { get; private set; }

    public long Runs { get; set; }

    public long CleanRuns { get; set; }

    public long CleanRunsCompleted { get; set; }

    public long RunsWithAuthenticatedMutants { get; set; }

    /// <summary>Runs without authenticated mutants that a raw mutant legitimately ended (Version Negotiation, stateless reset, a replayed CONNECTION_CLOSE).</summary>
    public long RunsEndedByRawMutants { get; set; }

    public long RunsCapped { get; set; }

    public long RunsAborted { get; set; }

    public long ResealChecks { get; set; }

    /// <summary>Datagrams the network delivered (recorded through its observer).</summary>
    public long RecordedDatagrams { get; set; }

    /// <summary>Datagrams the hosts saw arrive; equal to <see cref="RecordedDatagrams"/>.</summary>
    public long Steps { get; set; }

    public long MaxAllocatedBytesPerMutant { get; set; }

    public string MaxAllocationMutant { get; set; } = string.Empty;

    public ConnectionFootprint MaxFootprint { get; set; }

    public long BaselineHeapBytes { get; set; }

    public long MaxHeapBytes { get; set; }

    public long FinalHeapBytes { get; set; }

    public long AllocatedBytes { get; set; }

    public long PeakWorkingSetBytes { get; set; }

    public TimeSpan Elapsed { get; set; }

    public long FailureCount { get; private set; }

    public List<string> Failures { get; } = [];

    public long Count(MutantOutcome outcome)
    {
        long total = 0;
        foreach (long[] counts in _byOperator.Values)
        {
            total += counts[(int)outcome];
        }

        return total;
    }

    public void Record(string op, bool authenticated, bool shadow, MutantOutcome outcome, string? closeCode, bool reachedFrames, string level)
    {
        Mutants++;
        if (authenticated)
        {
            Authenticated++;
            if (reachedFrames)
            {
                ReachedFrames++;
                _reachedByLevel[level] = _reachedByLevel.GetValueOrDefault(level) + 1;
            }
        }
        else
        {
            Raw++;
            if (reachedFrames)
            {
                RawProcessedPackets++;
            }
        }

        if (shadow)
        {
            Shadow++;
        }

        if (!_byOperator.TryGetValue(op, out long[]? counts))
        {
            counts = new long[Enum.GetValues<MutantOutcome>().Length];
            _byOperator.Add(op, counts);
        }

        counts[(int)outcome]++;
        if (closeCode is not null)
        {
            _closeCodes[closeCode] = _closeCodes.GetValueOrDefault(closeCode) + 1;
            if (!_closeCodesByOperator.TryGetValue(op, out SortedDictionary<string, long>? codes))
            {
                codes = new SortedDictionary<string, long>(StringComparer.Ordinal);
                _closeCodesByOperator.Add(op, codes);
            }

            codes[closeCode] = codes.GetValueOrDefault(closeCode) + 1;
        }
    }

    public void RecordRefusedCommand(string message)
    {
        string key = message.Length > 60 ? message[..60] : message;
        _refused[key] = _refused.GetValueOrDefault(key) + 1;
    }

    public void Fail(string description)
    {
        FailureCount++;
        if (Failures.Count < MaxFailuresKept)
        {
            Failures.Add(description);
        }
    }

    public string Format()
    {
        var text = new StringBuilder();
        text.AppendLine(MutationBytes.Format($"mutants: {Mutants} ({Raw} raw, {Authenticated} authenticated of which {Shadow} into fresh servers) in {Runs} runs, {Elapsed.TotalSeconds:0.0} s"));
        text.AppendLine(MutationBytes.Format($"authenticated mutants whose mutated packet reached frame processing: {ReachedFrames}; raw mutants with an intact packet processed: {RawProcessedPackets}"));
        foreach ((string level, long count) in _reachedByLevel)
        {
            text.AppendLine(MutationBytes.Format($"  reached frames at {level}: {count}"));
        }

        text.AppendLine(MutationBytes.Format($"outcomes: ignored {Count(MutantOutcome.Ignored)}, processed {Count(MutantOutcome.Processed)}, closed with error {Count(MutantOutcome.ClosedWithError)}, peer close {Count(MutantOutcome.PeerClose)}, version negotiation {Count(MutantOutcome.VersionNegotiation)}, stateless reset {Count(MutantOutcome.StatelessReset)}, failures {Count(MutantOutcome.Failure)}"));
        text.AppendLine("close codes:");
        foreach ((string code, long count) in _closeCodes)
        {
            text.AppendLine(MutationBytes.Format($"  {code}: {count}"));
        }

        text.AppendLine("by operator (ignored/processed/closed/peer-close/vn/reset/failure):");
        foreach ((string op, long[] counts) in _byOperator)
        {
            string codes = _closeCodesByOperator.TryGetValue(op, out SortedDictionary<string, long>? byCode)
                ? " — " + string.Join(", ", byCode.Select(c => MutationBytes.Format($"{c.Key} {c.Value}")))
                : string.Empty;
            text.AppendLine(MutationBytes.Format($"  {op}: {string.Join('/', counts)}{codes}"));
        }

        text.AppendLine(MutationBytes.Format($"runs: {Runs}, clean (raw mutants only) {CleanRuns} of which completed {CleanRunsCompleted}, with authenticated mutants {RunsWithAuthenticatedMutants}, ended by a raw mutant {RunsEndedByRawMutants}, capped {RunsCapped}, aborted {RunsAborted}; datagrams delivered {RecordedDatagrams}, reseal checks {ResealChecks}"));
        text.AppendLine(MutationBytes.Format($"memory: managed heap baseline {BaselineHeapBytes / 1024} KiB, max {MaxHeapBytes / 1024} KiB, final {FinalHeapBytes / 1024} KiB; allocated {AllocatedBytes / (1024 * 1024)} MiB; peak working set {PeakWorkingSetBytes / (1024 * 1024)} MiB"));
        text.AppendLine(MutationBytes.Format($"largest allocation by one mutant: {MaxAllocatedBytesPerMutant / 1024} KiB ({MaxAllocationMutant})"));
        text.AppendLine(MutationBytes.Format($"largest footprint seen: {MaxFootprint}"));
        if (_refused.Count > 0)
        {
            text.AppendLine("application commands the engine refused (after mutants):");
            foreach ((string message, long count) in _refused)
            {
                text.AppendLine(MutationBytes.Format($"  {count}× {message}"));
            }
        }

        text.AppendLine(MutationBytes.Format($"failures: {FailureCount}"));
        foreach (string failure in Failures)
        {
            text.AppendLine(failure);
        }

        return text.ToString();
    }
}
