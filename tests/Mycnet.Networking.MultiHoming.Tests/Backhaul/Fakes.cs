using System.Diagnostics.Metrics;
using System.Net;
using Mycnet.Networking.MultiHoming.Backhaul;
using Mycnet.Networking.Testing;

namespace Mycnet.Networking.MultiHoming.Tests.Backhaul;

/// <summary>A discovery whose interfaces the test edits; Scan returns a snapshot.</summary>
internal sealed class FakeDiscovery : IInterfaceDiscovery
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DiscoveredInterface> _interfaces = new(StringComparer.Ordinal);

    public Exception? FailWith { get; set; }

    public int ScanCount { get; private set; }

    public void Set(DiscoveredInterface info)
    {
        lock (_gate)
        {
            _interfaces[info.Name] = info;
        }
    }

    public void Remove(string name)
    {
        lock (_gate)
        {
            _interfaces.Remove(name);
        }
    }

    public void SetLinkUp(string name, bool up)
    {
        lock (_gate)
        {
            _interfaces[name] = _interfaces[name] with { IsLinkUp = up };
        }
    }

    public IReadOnlyList<DiscoveredInterface> Scan()
    {
        lock (_gate)
        {
            ScanCount++;
            if (FailWith is not null)
            {
                throw FailWith;
            }

            return [.. _interfaces.Values];
        }
    }
}

/// <summary>A link change source the test fires by hand.</summary>
internal sealed class FakeChangeSource : ILinkChangeSource
{
    private Action? _changed;

    public bool Disposed { get; private set; }

    public void Start(Action changed) => _changed = changed;

    public void Fire() => _changed?.Invoke();

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}

/// <summary>What the fake probe answers for one interface.</summary>
internal enum FakeLink
{
    Healthy,
    Blackhole,
    Slow,
}

/// <summary>
/// A probe that answers synchronously from a per-interface setting, so under a fake clock a whole
/// round (and any switch it causes) completes inside <see cref="FakeTimeProvider.Advance"/>.
/// </summary>
internal sealed class FakeProbe : IBackhaulProbe
{
    public const string ProbeName = "fake";
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FakeLink> _links = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _lossEvery = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeSpan> _rtts = new(StringComparer.Ordinal);

    public string Name => ProbeName;

    public Exception? ThrowFor { get; set; }

    public string? ThrowOnInterface { get; set; }

    public TimeSpan HealthyRtt { get; set; } = TimeSpan.FromMilliseconds(20);

    public TimeSpan SlowRtt { get; set; } = TimeSpan.FromMilliseconds(600);

    public void Set(string name, FakeLink link)
    {
        lock (_gate)
        {
            _links[name] = link;
        }
    }

    /// <summary>The RTT a healthy link of this interface answers with (default <see cref="HealthyRtt"/>).</summary>
    public void SetRtt(string name, TimeSpan rtt)
    {
        lock (_gate)
        {
            _rtts[name] = rtt;
        }
    }

    /// <summary>Every <paramref name="every"/>-th attempt on the interface fails (0 turns loss off).</summary>
    public void SetLossEvery(string name, int every)
    {
        lock (_gate)
        {
            _lossEvery[name] = every;
        }
    }

    public int Attempts(string name)
    {
        lock (_gate)
        {
            return _attempts.GetValueOrDefault(name);
        }
    }

    public ValueTask<BackhaulProbeResult> ProbeAsync(BackhaulProbeContext context, CancellationToken cancellationToken)
    {
        if (ThrowFor is not null && string.Equals(context.InterfaceName, ThrowOnInterface, StringComparison.Ordinal))
        {
            throw ThrowFor;
        }

        lock (_gate)
        {
            int attempt = _attempts[context.InterfaceName] = _attempts.GetValueOrDefault(context.InterfaceName) + 1;
            FakeLink link = _links.GetValueOrDefault(context.InterfaceName, FakeLink.Healthy);
            if (_lossEvery.TryGetValue(context.InterfaceName, out int every) && every > 0 && attempt % every == 0)
            {
                return ValueTask.FromResult(BackhaulProbeResult.Failure("lost"));
            }

            return ValueTask.FromResult(link switch
            {
                FakeLink.Healthy => BackhaulProbeResult.Success(_rtts.GetValueOrDefault(context.InterfaceName, HealthyRtt)),
                FakeLink.Slow => BackhaulProbeResult.Success(SlowRtt),
                _ => BackhaulProbeResult.Failure("blackhole"),
            });
        }
    }
}

/// <summary>Records routing commands; fails the commands a predicate picks.</summary>
internal sealed class RecordingExecutor : IRouteCommandExecutor
{
    private readonly Lock _gate = new();
    private readonly List<string> _commands = [];

    public Func<BackhaulRouteCommand, bool>? FailWhen { get; set; }

    public IReadOnlyList<string> Commands
    {
        get
        {
            lock (_gate)
            {
                return [.. _commands];
            }
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _commands.Clear();
        }
    }

    public ValueTask ExecuteAsync(BackhaulRouteCommand command, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _commands.Add(string.Join(' ', command.Arguments));
        }

        if (FailWhen?.Invoke(command) == true)
        {
            throw new BackhaulException(BackhaulErrorKind.Routing, $"'{command}' failed: injected");
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>An IMeterFactory whose meters carry it as their scope, so a listener sees only one manager's instruments.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (Meter meter in _meters)
        {
            meter.Dispose();
        }
    }
}

/// <summary>Shared test data: three interfaces like a node with Ethernet, Wi-Fi and LTE.</summary>
internal static class TestInterfaces
{
    public static DiscoveredInterface Eth0 { get; } = new("eth0", 2, BackhaulInterfaceKind.Ethernet, true, [new(IPAddress.Parse("10.1.0.2"), 24)], IPAddress.Parse("10.1.0.1"), null);

    public static DiscoveredInterface Wlan0 { get; } = new("wlan0", 3, BackhaulInterfaceKind.WiFi, true, [new(IPAddress.Parse("10.2.0.2"), 24)], IPAddress.Parse("10.2.0.1"), null);

    public static DiscoveredInterface Wwan0 { get; } = new("wwan0", 4, BackhaulInterfaceKind.Cellular, true, [new(IPAddress.Parse("10.3.0.2"), 32)], null, null);
}
