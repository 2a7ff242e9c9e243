using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Mycnet.Networking.Testing.Topology;

/// <summary>
/// A dedicated thread that lives inside a network namespace and runs work there.
/// </summary>
/// <remarks>
/// Design: Linux keeps the network namespace per thread, so one thread can <c>setns</c> into a
/// namespace while the rest of the process stays where it is. Sockets, netlink queries and child
/// processes created on that thread belong to the namespace for good, whichever thread uses them later.
/// Like <c>ip netns exec</c>, the thread also gets a private mount namespace with a fresh sysfs, so
/// <c>/sys/class/net</c> read from it lists the namespace's interfaces. The thread serves a queue of
/// work items until disposed.
/// </remarks>
internal sealed class NamespaceThread : IDisposable
{
    private const int CloneNewNet = 0x40000000;
    private const int CloneNewNs = 0x00020000;
    private const ulong MsRec = 0x4000;
    private const ulong MsSlave = 0x80000;
    private const int MntDetach = 2;

    private readonly BlockingCollection<Action> _queue = [];
    private readonly Thread _thread;
    private readonly string _name;
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NamespaceThread(string name)
    {
        _name = name;
        _thread = new Thread(Run) { IsBackground = true, Name = "netns " + name };
        _thread.Start();
        _entered.Task.GetAwaiter().GetResult();
    }

    public T Invoke<T>(Func<T> work) =>
        Thread.CurrentThread == _thread ? work() : InvokeAsync(work).GetAwaiter().GetResult();

    public Task<T> InvokeAsync<T>(Func<T> work)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add(() =>
        {
            try
            {
                completion.SetResult(work());
            }
            catch (Exception ex)
            {
                completion.SetException(ex);
            }
        });
        return completion.Task;
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join(TimeSpan.FromSeconds(10));
        }

        _queue.Dispose();
    }

    private void Run()
    {
        try
        {
            Enter();
            _entered.SetResult();
        }
        catch (Exception ex)
        {
            _entered.SetException(ex);
            return;
        }

        foreach (Action work in _queue.GetConsumingEnumerable())
        {
            work();
        }
    }

    private void Enter()
    {
        using (SafeFileHandle handle = File.OpenHandle(Path.Combine("/var/run/netns", _name), FileMode.Open, FileAccess.Read))
        {
            Check(NativeMethods.setns((int)handle.DangerousGetHandle(), CloneNewNet), "setns(CLONE_NEWNET)");
        }

        // As ip-netns(8) does: a private mount namespace for this thread, mounts not propagated back,
        // and a sysfs mounted from inside the network namespace.
        Check(NativeMethods.unshare(CloneNewNs), "unshare(CLONE_NEWNS)");
        Check(NativeMethods.mount(null, "/", null, MsSlave | MsRec, IntPtr.Zero), "mount --make-rslave /");
        _ = NativeMethods.umount2("/sys", MntDetach); // Nothing mounted there is fine too.
        Check(NativeMethods.mount(_name, "/sys", "sysfs", 0, IntPtr.Zero), "mount sysfs");
    }

    private void Check(int result, string what)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"Entering namespace '{_name}': {what} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int setns(int fd, int nstype);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int unshare(int flags);

        [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int mount(string? source, string target, string? filesystemType, ulong flags, IntPtr data);

        [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int umount2(string target, int flags);
    }
}
