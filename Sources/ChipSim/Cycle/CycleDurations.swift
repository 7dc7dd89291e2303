/// The cycle timing's settings as whole CPU cycles, the engine's unit: router cycles (at
/// ``CycleTiming/routerClockHz``) and nanoseconds are converted and rounded up, so that no delay
/// becomes zero.
struct CycleDurations {
    /// One router cycle: the least time between two packets leaving the router.
    let routerCycle: Int
    /// A packet's way through the router's pipeline.
    let pipeline: Int
    /// How long a blocked packet waits before the router drops it.
    let wait: Int
    /// Sending one packet over a link, and its time of flight.
    let linkPacket: Int
    let linkLatency: Int
    /// Handing a packet to a core's port, and the core's interrupt that takes it in.
    let coreDelivery: Int
    let packetReceive: Int
    /// The monitor's delay before it re-injects a dropped packet.
    let reinjectionDelay: Int
    /// CPU cycles per byte of a DMA from SDRAM.
    let cyclesPerSDRAMByte: Double
    /// A core's tick: its cycle budget.
    let tick: Int

    init(machine: MachineDescription, tickCycles: Int) {
        let t = machine.timing, clock = machine.clockHz
        func cpu(routerCycles n: Int) -> Int { Self.ceiling(Double(n) * clock / t.routerClockHz) }
        func cpu(ns: Double) -> Int { Self.ceiling(ns * clock / 1e9) }
        routerCycle = max(1, cpu(routerCycles: 1))
        pipeline = cpu(routerCycles: t.routerPipelineCycles)
        wait = cpu(routerCycles: machine.routerWaitCycles)
        linkPacket = max(1, cpu(ns: t.linkPacketNs))
        linkLatency = cpu(ns: t.linkLatencyNs)
        coreDelivery = cpu(routerCycles: t.coreDeliveryCycles)
        packetReceive = max(1, t.packetReceiveCycles)
        reinjectionDelay = cpu(ns: t.reinjectionDelayNs)
        cyclesPerSDRAMByte = clock / t.sdramBytesPerSecond
        tick = max(1, tickCycles)
    }

    /// CPU cycles a DMA of `bytes` takes at the chip's SDRAM bandwidth (at least one).
    func dma(bytes: Int) -> Int { max(1, Self.ceiling(Double(bytes) * cyclesPerSDRAMByte)) }

    /// `x` rounded up to a whole cycle, within 0 ... 2^40 (settings are validated to far less).
    private static func ceiling(_ x: Double) -> Int {
        guard x.isFinite, x > 0 else { return 0 }
        return Int(min(x, Double(1 << 40)).rounded(.up))
    }
}
