namespace Mycnet.Networking.Quic.Tests.Engines;

/// <summary>
/// A fact about a host without libmsquic: skipped, with the reason, where the msquic engine can
/// run (hide the library to run it there).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class MsQuicAbsentFactAttribute : FactAttribute
{
    public MsQuicAbsentFactAttribute()
    {
        if (RequiresQuicEngineAttribute.SkipReason(QuicEngine.MsQuic) is null)
        {
            Skip = "libmsquic is installed: this test checks the error a host without it reports";
        }
    }
}
