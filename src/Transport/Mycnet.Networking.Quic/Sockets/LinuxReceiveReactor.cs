using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Mycnet.Networking.Quic.Sockets;

/// <summary>
/// One epoll instance and one thread that wait for every Linux UDP socket of the process to become
/// readable, and hand each readable socket to the thread pool to drain.
/// </summary>
/// <remarks>
/// <para>Why not .NET's own socket event loop: it registers every socket for readability AND
/// writability (EPOLLIN | EPOLLOUT, edge-triggered). A UDP send on loopback frees its buffer at
/// once, which signals "writable" again, so every sendmsg woke .NET's event thread for nothing:
/// a cross-core wakeup per GSO batch and per acknowledgement, about 8% of the CPU of a loopback
/// bulk transfer. Here a socket is registered for EPOLLIN only.</para>
/// <para>Design: registrations are level-triggered one-shot (EPOLLIN | EPOLLONESHOT). When a socket
/// becomes readable the reactor thread queues its <see cref="ReceiveRegistration"/> on the thread
/// pool, which drains the socket (recvmmsg until EAGAIN or a bound of rounds) and re-arms it; data
/// that arrived after the last recvmmsg is reported again at once because the re-armed interest is
/// level-triggered. The event's 64-bit data is a registration number looked up in a table, never a
/// pointer, so an event that was already fetched for a registration removed since is ignored.</para>
/// </remarks>
internal static unsafe partial class LinuxReceiveReactor
{
    private const uint EpollIn = 0x001;
    private const uint EpollOneShot = 1u << 30;
    private const int EpollCtlAdd = 1;
    private const int EpollCtlDel = 2;
    private const int EpollCtlMod = 3;
    private const int MaxEvents = 64;

    private static readonly Lazy<int> Instance = new(Start);
    private static readonly ConcurrentDictionary<ulong, ReceiveRegistration> Registrations = new();

    // struct epoll_event is packed on x86-64 (12 bytes), naturally aligned elsewhere (16 bytes).
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;
    private static ulong s_nextId;

    /// <summary>Whether the reactor runs (epoll is available); otherwise sockets wait on .NET's event loop.</summary>
    public static bool IsAvailable => Instance.Value >= 0;

    /// <summary>Starts watching the socket of <paramref name="registration"/>; false when epoll refuses it.</summary>
    public static bool TryAdd(ReceiveRegistration registration)
    {
        int epoll = Instance.Value;
        if (epoll < 0)
        {
            return false;
        }

        ulong id = Interlocked.Increment(ref s_nextId);
        registration.Id = id;
        Registrations[id] = registration;
        if (Control(epoll, EpollCtlAdd, registration.Handle, id) != 0)
        {
            Registrations.TryRemove(id, out _);
            return false;
        }

        return true;
    }

    /// <summary>Re-arms a drained socket (one-shot interest: nothing is reported until this).</summary>
    public static void Rearm(ReceiveRegistration registration) =>
        _ = Control(Instance.Value, EpollCtlMod, registration.Handle, registration.Id); // ENOENT after a concurrent removal is fine.

    /// <summary>Stops watching the socket of <paramref name="registration"/> and forgets the registration.</summary>
    public static void Remove(ReceiveRegistration registration)
    {
        _ = Control(Instance.Value, EpollCtlDel, registration.Handle, 0);
        Registrations.TryRemove(registration.Id, out _);
    }

    /// <summary>
    /// epoll_ctl on the socket's descriptor, holding a reference on its handle so the descriptor
    /// cannot be closed and reused by another socket under the call; -1 once the socket is closed
    /// (closing a descriptor removes it from epoll by itself).
    /// </summary>
    private static int Control(int epoll, int operation, SafeHandle handle, ulong id)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Control(epoll, operation, (int)handle.DangerousGetHandle(), id);
        }
        catch (ObjectDisposedException)
        {
            return -1;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static int Control(int epoll, int operation, int fd, ulong id)
    {
        byte* ev = stackalloc byte[16];
        new Span<byte>(ev, 16).Clear();
        *(uint*)ev = EpollIn | EpollOneShot;
        *(ulong*)(ev + DataOffset) = id;
        return EpollCtl(epoll, operation, fd, ev);
    }

    private static int Start()
    {
        if (!OperatingSystem.IsLinux())
        {
            return -1;
        }

        int epoll;
        try
        {
            epoll = EpollCreate1(0x80000); // EPOLL_CLOEXEC
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return -1;
        }

        if (epoll < 0)
        {
            return -1;
        }

        var thread = new Thread(() => Run(epoll))
        {
            IsBackground = true,
            Name = "Mycnet UDP receive",
        };
        thread.UnsafeStart();
        return epoll;
    }

    private static void Run(int epoll)
    {
        byte* events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * EventSize));
        while (true)
        {
            int count = EpollWait(epoll, events, MaxEvents, -1);
            for (int i = 0; i < count; i++)
            {
                ulong id = *(ulong*)(events + (i * EventSize) + DataOffset);
                if (Registrations.TryGetValue(id, out ReceiveRegistration? registration))
                {
                    registration.OnReadable();
                }
            }

            // count < 0: EINTR (a signal); anything else cannot happen on a valid epoll descriptor.
        }
    }

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epoll, int operation, int fd, void* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static partial int EpollWait(int epoll, void* events, int maxEvents, int timeout);
}

/// <summary>
/// A socket's side of <see cref="LinuxReceiveReactor"/>: drains on the thread pool when readable,
/// re-arms, and completes <see cref="Completion"/> once stopped and no drain is running.
/// </summary>
internal sealed class ReceiveRegistration : IThreadPoolWorkItem
{
    private const int Armed = 0;
    private const int Draining = 1;
    private const int Stopped = 2;

    private readonly Func<bool> _drain;
    private readonly Action _release;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state = Armed;
    private int _stopping;
    private Exception? _failure;

    /// <param name="handle">The socket's handle.</param>
    /// <param name="drain">Receives until the socket is empty; false when the socket is gone.</param>
    /// <param name="release">Frees what the drain uses, once no drain can run any more.</param>
    public ReceiveRegistration(SafeHandle handle, Func<bool> drain, Action release)
    {
        Handle = handle;
        _drain = drain;
        _release = release;
    }

    /// <summary>The socket's handle.</summary>
    public SafeHandle Handle { get; }

    /// <summary>The reactor's number for this registration.</summary>
    public ulong Id { get; set; }

    /// <summary>Completes when the registration has stopped and its last drain has returned.</summary>
    public Task Completion => _completion.Task;

    /// <summary>The reactor thread: the socket is readable.</summary>
    public void OnReadable()
    {
        if (Interlocked.CompareExchange(ref _state, Draining, Armed) == Armed)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>Stops receiving (before the socket is closed); completes at once unless a drain is running, else when it returns.</summary>
    public void Stop()
    {
        Interlocked.Exchange(ref _stopping, 1);
        if (Interlocked.CompareExchange(ref _state, Stopped, Armed) == Armed)
        {
            Finish();
        }
    }

    /// <summary>The thread pool: drain, then re-arm or finish.</summary>
    public void Execute()
    {
        bool alive;
        try
        {
            alive = _drain();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug below the receive loop: stop receiving on this socket (its owner closes it), like
            // a faulted receive loop, instead of taking the process down from a thread-pool item.
            _failure ??= e;
            alive = false;
        }

        if (!alive)
        {
            Interlocked.Exchange(ref _stopping, 1);
        }

        Interlocked.Exchange(ref _state, Armed);
        if (Volatile.Read(ref _stopping) != 0)
        {
            // Stop ran meanwhile (or the socket is gone): whoever moves Armed -> Stopped finishes.
            if (Interlocked.CompareExchange(ref _state, Stopped, Armed) == Armed)
            {
                Finish();
            }

            return;
        }

        LinuxReceiveReactor.Rearm(this);
    }

    private void Finish()
    {
        LinuxReceiveReactor.Remove(this);
        _release();
        if (_failure is { } failure)
        {
            _completion.TrySetException(failure);
        }
        else
        {
            _completion.TrySetResult();
        }
    }
}
