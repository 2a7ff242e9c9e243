namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>Which part of the backhaul manager failed.</summary>
public enum BackhaulErrorKind
{
    /// <summary>Enumerating interfaces or reading their attributes failed.</summary>
    Discovery,

    /// <summary>A probe could not be run (socket creation, binding to the interface).</summary>
    Probe,

    /// <summary>A policy-routing command failed, timed out, or was given invalid input.</summary>
    Routing,
}

/// <summary>The one exception type of the backhaul manager; <see cref="Kind"/> says which part failed.</summary>
public sealed class BackhaulException : Exception
{
    /// <summary>Creates an exception of the given kind.</summary>
    public BackhaulException(BackhaulErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    /// <summary>Creates an exception of the given kind that wraps the underlying failure.</summary>
    public BackhaulException(BackhaulErrorKind kind, string message, Exception? innerException)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>Which part of the manager failed.</summary>
    public BackhaulErrorKind Kind { get; }
}
