namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>
/// Where the manager's system calls run: interface scans (getifaddrs, sysfs, procfs), socket creation
/// (probe sockets, the rtnetlink socket) and process launches (iproute2).
/// </summary>
/// <remarks>
/// On Linux the network namespace of a socket, of a netlink query and of a child process is the one of
/// the calling thread, and sysfs shows the namespace of whoever mounted it. By default the manager runs
/// these calls inline, in the process's own namespace. A test or a namespace-aware host supplies a
/// context that runs them on a thread that has entered another network namespace (and mounted a sysfs
/// for it), which is enough to host a complete manager inside that namespace: once created, sockets
/// and processes stay in their namespace whatever thread uses them afterwards.
/// </remarks>
internal interface IBackhaulNetworkContext
{
    /// <summary>Runs <paramref name="work"/> in the context and returns its result (or rethrows its exception).</summary>
    T Invoke<T>(Func<T> work);
}

/// <summary>Runs everything on the calling thread, in the process's own network namespace.</summary>
internal sealed class InlineNetworkContext : IBackhaulNetworkContext
{
    public static InlineNetworkContext Instance { get; } = new();

    public T Invoke<T>(Func<T> work) => work();
}
