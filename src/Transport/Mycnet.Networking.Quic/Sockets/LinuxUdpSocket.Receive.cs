using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Sockets.LinuxSocketNative;

namespace Mycnet.Networking.Quic.Sockets;

/// <content>
/// The receive loop: wait for readability, drain with recvmmsg, split each message into the
/// datagram (or GRO batch), its source, its local address and its ECN bits.
/// </content>
internal sealed partial class LinuxUdpSocket
{
    /// <summary>The buffer of one message: a GRO batch (at most 64 KiB) or one datagram of any size.</summary>
    private const int MessageBufferSize = 65536;

    /// <summary>Room for the control messages of one received datagram (packet info, TOS, GRO size).</summary>
    private const int MessageControlSize = 128;

    /// <summary>recvmmsg calls per readiness wakeup before yielding to the event loop again.</summary>
    private const int MaxDrainRounds = 64;

    /// <summary>
    /// Waits for readability on the <see cref="LinuxReceiveReactor"/> (EPOLLIN only) and drains on
    /// the thread pool; where the reactor cannot run, on .NET's event loop.
    /// </summary>
    public override Task RunReceiveLoopAsync(IDatagramReceiver receiver)
    {
        var batch = new ReceiveBatch(ReceiveMessageCount);
        var remotes = new EndPointCache();
        var locals = new EndPointCache();
        var registration = new ReceiveRegistration(Socket.SafeHandle, () => Drain(batch, receiver, remotes, locals), batch.Dispose);
        if (!IsDisposed && LinuxReceiveReactor.TryAdd(registration))
        {
            Volatile.Write(ref _registration, registration);
            if (IsDisposed)
            {
                registration.Stop(); // Disposed while registering: Dispose may have missed it.
            }

            return registration.Completion;
        }

        batch.Dispose();
        return RunReceiveLoopOnEventLoopAsync(receiver);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Before the descriptor closes: the reactor must not watch a number the next socket may get.
            Volatile.Read(ref _registration)?.Stop();
        }

        base.Dispose(disposing);
    }

    /// <summary>The receive loop on .NET's event loop (a zero-byte MSG_PEEK receive signals readability).</summary>
    private async Task RunReceiveLoopOnEventLoopAsync(IDatagramReceiver receiver)
    {
        using var batch = new ReceiveBatch(ReceiveMessageCount);
        var remotes = new EndPointCache();
        var locals = new EndPointCache();
        while (!IsDisposed)
        {
            try
            {
                // Wait until a datagram is queued, without taking it: a zero-byte MSG_PEEK receive
                // completes on .NET's event loop when the socket becomes readable.
                await Socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek).ConfigureAwait(false);
            }
            catch (SocketException e) when (!IsDisposed && IsTransientReceiveError(e.SocketErrorCode))
            {
                // An ICMP report of an earlier send; the next datagram is what matters.
            }
            catch (SocketException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            if (!Drain(batch, receiver, remotes, locals))
            {
                return;
            }
        }
    }

    /// <summary>Receives until the queue is empty (or a bound of rounds); false when the socket is gone.</summary>
    private unsafe bool Drain(ReceiveBatch batch, IDatagramReceiver receiver, EndPointCache remotes, EndPointCache locals)
    {
        for (int round = 0; round < MaxDrainRounds; round++)
        {
            int count;
            bool added = false;
            SafeHandle handle = Socket.SafeHandle;
            try
            {
                handle.DangerousAddRef(ref added);
                batch.Reset();
                count = RecvMMsg((int)handle.DangerousGetHandle(), batch.Messages, (uint)batch.Count, MsgDontWait, null);
                if (count < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == EAgain)
                    {
                        return true;
                    }

                    if (errno == EIntr || errno is 111 or 113 or 101)
                    {
                        continue; // Interrupted, or ECONNREFUSED / EHOSTUNREACH / ENETUNREACH queued by ICMP.
                    }

                    return !IsDisposed;
                }
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }

            for (int i = 0; i < count; i++)
            {
                Deliver(batch, i, receiver, remotes, locals);
            }

            if (count < batch.Count)
            {
                return true;
            }
        }

        return true;
    }

    private unsafe void Deliver(ReceiveBatch batch, int index, IDatagramReceiver receiver, EndPointCache remotes, EndPointCache locals)
    {
        MMsgHdr* message = batch.Messages + index;
        int length = (int)message->Length;
        if (length <= 0 || (message->Header.Flags & MsgTrunc) != 0)
        {
            return;
        }

        if (!SocketAddressCodec.TryReadKey(new ReadOnlySpan<byte>(message->Header.Name, (int)message->Header.NameLength), out RawAddressKey remoteKey))
        {
            return;
        }

        IPEndPoint remote = remotes.Get(remoteKey);
        IPEndPoint local = LocalEndPoint;
        int segmentSize = length;
        EcnCodepoint ecn = EcnCodepoint.NotEct;

        byte* control = (byte*)message->Header.Control;
        int controlLength = (int)message->Header.ControlLength;
        int offset = 0;
        while (offset + CmsgHeaderSize <= controlLength)
        {
            byte* cmsg = control + offset;
            int cmsgLength = (int)*(nuint*)cmsg;
            if (cmsgLength < CmsgHeaderSize || offset + cmsgLength > controlLength)
            {
                break;
            }

            int level = *(int*)(cmsg + sizeof(nuint));
            int type = *(int*)(cmsg + sizeof(nuint) + 4);
            byte* data = cmsg + CmsgHeaderSize;
            int dataLength = cmsgLength - CmsgHeaderSize;
            if (level == SolIp && type == IpPktInfo && dataLength >= 12)
            {
                // struct in_pktinfo: ipi_addr (the header's destination address) at offset 8.
                local = locals.Get(LocalKey(new ReadOnlySpan<byte>(data + 8, 4)));
            }
            else if (level == SolIpv6 && type == Ipv6PktInfo && dataLength >= 16)
            {
                local = locals.Get(LocalKey(new ReadOnlySpan<byte>(data, 16)));
            }
            else if (level == SolIp && type == IpTos && dataLength >= 1)
            {
                ecn = (EcnCodepoint)(*data & 0b11);
            }
            else if (level == SolIpv6 && type == Ipv6Tclass && dataLength >= 4)
            {
                ecn = (EcnCodepoint)(*(int*)data & 0b11);
            }
            else if (level == SolUdp && type == UdpGro && dataLength >= 4)
            {
                int gro = *(int*)data;
                if (gro > 0 && gro < length)
                {
                    segmentSize = gro;
                }
            }

            offset += CmsgAlign(cmsgLength);
        }

        receiver.OnDatagrams(new Span<byte>(batch.Buffer(index), length), segmentSize, local, remote, ecn);
    }

    /// <summary>The cache key of a local address: in the socket's own family (IPv4 mapped on an IPv6 socket) with the bound port.</summary>
    private RawAddressKey LocalKey(ReadOnlySpan<byte> address)
    {
        ushort port = (ushort)LocalEndPoint.Port;
        if (address.Length == 4 && !_ipv6Socket)
        {
            return new RawAddressKey(0, BinaryPrimitives.ReadUInt32LittleEndian(address), port, AfInet, 0);
        }

        Span<byte> v6 = stackalloc byte[16];
        if (address.Length == 4)
        {
            v6[10] = 0xff;
            v6[11] = 0xff;
            address.CopyTo(v6[12..]);
        }
        else
        {
            address.CopyTo(v6);
        }

        return new RawAddressKey(BinaryPrimitives.ReadUInt64LittleEndian(v6), BinaryPrimitives.ReadUInt64LittleEndian(v6[8..]), port, AfInet6, 0);
    }

    /// <summary>The native memory of one recvmmsg call: message headers, buffers, addresses and control space.</summary>
    private sealed unsafe class ReceiveBatch : IDisposable
    {
        private readonly byte* _memory;
        private readonly int _perMessage;

        public ReceiveBatch(int count)
        {
            Count = count;
            _perMessage = MessageBufferSize + MessageControlSize + 32 + sizeof(IoVec);
            Messages = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)(count * sizeof(MMsgHdr)));
            _memory = (byte*)NativeMemory.AlignedAlloc((nuint)(count * _perMessage), 64);
            for (int i = 0; i < count; i++)
            {
                byte* slot = _memory + ((long)i * _perMessage);
                IoVec* iov = (IoVec*)(slot + MessageBufferSize + MessageControlSize + 32);
                iov->Base = slot;
                iov->Length = MessageBufferSize;
                Messages[i].Header.Iov = iov;
                Messages[i].Header.IovLength = 1;
                Messages[i].Header.Name = slot + MessageBufferSize + MessageControlSize;
                Messages[i].Header.Control = slot + MessageBufferSize;
            }
        }

        public int Count { get; }

        public MMsgHdr* Messages { get; }

        public byte* Buffer(int index) => _memory + ((long)index * _perMessage);

        /// <summary>Restores the lengths the kernel overwrote in the last call.</summary>
        public void Reset()
        {
            for (int i = 0; i < Count; i++)
            {
                Messages[i].Header.NameLength = SockAddrIn6Size;
                Messages[i].Header.ControlLength = MessageControlSize;
                Messages[i].Header.Flags = 0;
                Messages[i].Length = 0;
            }
        }

        public void Dispose()
        {
            NativeMemory.AlignedFree(_memory);
            NativeMemory.Free(Messages);
        }
    }
}
