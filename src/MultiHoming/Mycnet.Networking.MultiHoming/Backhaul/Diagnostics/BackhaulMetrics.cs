using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>The manager's instruments on the meter <see cref="BackhaulManager.MeterName"/>.</summary>
internal sealed class BackhaulMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _switches;
    private readonly Counter<long> _switchFailures;
    private readonly Histogram<double> _switchDuration;
    private readonly Histogram<double> _probeRtt;
    private readonly Counter<long> _probeFailures;
    private readonly Histogram<double> _timeInState;

    public BackhaulMetrics(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
        {
            _meter = new Meter(BackhaulManager.MeterName);
            _ownsMeter = true;
        }
        else
        {
            _meter = meterFactory.Create(new MeterOptions(BackhaulManager.MeterName));
        }

        _switches = _meter.CreateCounter<long>("mycnet.backhaul.switches", "{switch}", "Backhaul switches that took effect.");
        _switchFailures = _meter.CreateCounter<long>("mycnet.backhaul.switch_failures", "{switch}", "Backhaul switches that failed and were rolled back.");
        _switchDuration = _meter.CreateHistogram<double>("mycnet.backhaul.switch.duration", "s", "Time to plan and run the routing commands of a switch.");
        _probeRtt = _meter.CreateHistogram<double>("mycnet.backhaul.probe.rtt", "s", "Round-trip time of successful probes.");
        _probeFailures = _meter.CreateCounter<long>("mycnet.backhaul.probe.failures", "{probe}", "Probe attempts that failed or timed out.");
        _timeInState = _meter.CreateHistogram<double>("mycnet.backhaul.state.duration", "s", "Time an interface spent in a state, recorded when it leaves it.");
    }

    public void Switched(string? from, string to, BackhaulSwitchReason reason, TimeSpan duration)
    {
        var tags = new TagList
        {
            { "from", from ?? "none" },
            { "to", to },
            { "reason", reason.ToString() },
        };
        _switches.Add(1, tags);
        _switchDuration.Record(duration.TotalSeconds, tags);
    }

    public void SwitchFailed(string? from, string to, BackhaulSwitchReason reason) =>
        _switchFailures.Add(1, new TagList { { "from", from ?? "none" }, { "to", to }, { "reason", reason.ToString() } });

    public void ProbeCompleted(string @interface, string probe, BackhaulProbeResult result)
    {
        var tags = new TagList { { "interface", @interface }, { "probe", probe } };
        if (result.Succeeded)
        {
            _probeRtt.Record(result.RoundTripTime.TotalSeconds, tags);
        }
        else
        {
            _probeFailures.Add(1, tags);
        }
    }

    public void LeftState(string @interface, BackhaulState state, TimeSpan duration) =>
        _timeInState.Record(duration.TotalSeconds, new TagList { { "interface", @interface }, { "state", state.ToString() } });

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
