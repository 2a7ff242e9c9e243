namespace Mycnet.Networking.Quic.Tests.Engines;

/// <summary>
/// Marks a test class whose tests need <see cref="Engine"/>: its <see cref="EngineFactAttribute"/>
/// and <see cref="EngineTheoryAttribute"/> tests are reported as skipped, with the reason, on a
/// host where that engine cannot run (the msquic engine without libmsquic). Put it on the concrete
/// class: test discovery reads it from the class the tests run in, so an abstract base's tests are
/// skipped in the derived class that needs the engine and run in the others.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class RequiresQuicEngineAttribute : Attribute
{
    public RequiresQuicEngineAttribute(QuicEngine engine)
    {
        Engine = engine;
    }

    public QuicEngine Engine { get; }

    /// <summary>Why tests needing <paramref name="engine"/> cannot run here, or null when they can.</summary>
    public static string? SkipReason(QuicEngine engine) =>
        engine == QuicEngine.MsQuic && !(QuicConnection.IsEngineSupported(QuicEngine.MsQuic) && QuicListener.IsEngineSupported(QuicEngine.MsQuic))
            ? "libmsquic not found: System.Net.Quic.QuicConnection.IsSupported is false; install libmsquic to run the MsQuic engine tests"
            : null;
}
