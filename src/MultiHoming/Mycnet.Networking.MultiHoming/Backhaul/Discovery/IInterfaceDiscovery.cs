namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>Lists the interfaces the manager may use (the seam between the system and the manager).</summary>
internal interface IInterfaceDiscovery
{
    /// <summary>A fresh list; throws <see cref="BackhaulException"/> (Discovery) when the system cannot be read.</summary>
    IReadOnlyList<DiscoveredInterface> Scan();
}

/// <summary>Tells the manager that links or addresses changed, so it rescans.</summary>
internal interface ILinkChangeSource : IAsyncDisposable
{
    /// <summary>Starts watching; <paramref name="changed"/> may be called on any thread, often in bursts.</summary>
    void Start(Action changed);
}
