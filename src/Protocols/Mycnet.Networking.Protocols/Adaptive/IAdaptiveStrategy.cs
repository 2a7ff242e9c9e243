namespace Mycnet.Networking.Protocols.Adaptive;

/// <summary>
/// Re-tunes chunk size and compression from the peer's capabilities and path measurements, always within the
/// profile's bounds: the chunk size stays within <c>Profile.Chunking.Bounds</c>, and the algorithm is one the
/// profile allows and both nodes support. Implementations are pure: the same context gives the same settings.
/// </summary>
public interface IAdaptiveStrategy
{
    /// <summary>The strategy's name (one of <see cref="AdaptiveStrategies"/>' constants for the built-ins).</summary>
    string Name { get; }

    /// <summary>The settings for the next chunks and payloads.</summary>
    AdaptiveSettings Recommend(AdaptiveContext context);
}
