using Xunit.Sdk;

namespace Mycnet.Networking.Quic.Tests.Engines;

/// <summary>
/// A fact that is skipped, with the reason printed, when the engine its class needs
/// (<see cref="RequiresQuicEngineAttribute"/>) cannot run on this host; a plain fact otherwise.
/// </summary>
[XunitTestCaseDiscoverer("Mycnet.Networking.Quic.Tests.Engines.EngineFactDiscoverer", "Mycnet.Networking.Quic.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class EngineFactAttribute : FactAttribute
{
}

/// <summary>
/// A theory that is skipped, with the reason printed, when the engine its class needs
/// (<see cref="RequiresQuicEngineAttribute"/>) cannot run on this host; a plain theory otherwise.
/// </summary>
[XunitTestCaseDiscoverer("Mycnet.Networking.Quic.Tests.Engines.EngineTheoryDiscoverer", "Mycnet.Networking.Quic.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class EngineTheoryAttribute : TheoryAttribute
{
}
