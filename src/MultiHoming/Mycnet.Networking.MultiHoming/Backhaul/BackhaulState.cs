namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>The health state of one backhaul interface, as the hold-down state machine sees it.</summary>
public enum BackhaulState
{
    /// <summary>Discovered or recovering: probes run, the interface is not trusted yet and is never selected.</summary>
    Probing,

    /// <summary>Probes succeed within the quality thresholds; eligible for selection.</summary>
    Up,

    /// <summary>Reachable but lossy, slow or failing intermittently; eligible only when nothing is Up.</summary>
    Degraded,

    /// <summary>The link is down or probes fail; never selected.</summary>
    Down,
}

/// <summary>What kind of link an interface is, from its name patterns and sysfs attributes.</summary>
public enum BackhaulInterfaceKind
{
    /// <summary>Matched no classification rule.</summary>
    Unknown,

    /// <summary>Wired Ethernet (eth*, eno*, enp*, ens*).</summary>
    Ethernet,

    /// <summary>Wi-Fi (wlan*, wlp*, or a <c>wireless</c> sysfs attribute).</summary>
    WiFi,

    /// <summary>Cellular modem (wwan*, ppp*).</summary>
    Cellular,

    /// <summary>USB tethering (usb*, enx*).</summary>
    UsbTether,

    /// <summary>Bluetooth PAN (bnep*).</summary>
    BluetoothPan,
}

/// <summary>A manual override an operator puts on one interface.</summary>
public enum BackhaulOverride
{
    /// <summary>No override: the interface competes on state and score.</summary>
    None,

    /// <summary>Select this interface whenever it is Up or Degraded, whatever the scores say.</summary>
    Force,

    /// <summary>Never select this interface; if it is active, switch away at once.</summary>
    Exclude,
}

/// <summary>Why the manager switched the active backhaul.</summary>
public enum BackhaulSwitchReason
{
    /// <summary>The first selection after start.</summary>
    Initial,

    /// <summary>The active interface went Down or Probing, or lost its source address.</summary>
    Failover,

    /// <summary>A better interface beat the active one by the switch margin (or by state).</summary>
    Preferred,

    /// <summary>A manual override forced or excluded an interface.</summary>
    Override,

    /// <summary>The active interface disappeared from the system.</summary>
    Vanished,
}

/// <summary>Why an interface changed state.</summary>
public enum BackhaulTransitionReason
{
    /// <summary>The link lost carrier, went administratively down, or lost its usable address.</summary>
    LinkDown,

    /// <summary>Whole probe rounds failed in a row.</summary>
    ProbeFailures,

    /// <summary>Loss over the probe window crossed the degraded threshold.</summary>
    HighLoss,

    /// <summary>The smoothed round-trip time crossed the degraded threshold.</summary>
    HighLatency,

    /// <summary>Jitter crossed the degraded threshold.</summary>
    HighJitter,

    /// <summary>A probe round succeeded on a Down interface.</summary>
    ProbeSucceeded,

    /// <summary>Probes stayed within the recovery thresholds for the hold-down.</summary>
    Recovered,

    /// <summary>The interface disappeared from the system.</summary>
    Vanished,
}
