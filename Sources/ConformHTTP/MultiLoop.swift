import CCurl
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// libcurl's global state, initialised once per process before any handle is made.
let curlGlobalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

/// The one thread that drives every transfer of a client through a curl multi handle.
///
/// Tasks hand transfers in through `inbox` and wake the thread with `curl_multi_wakeup` (only when it
/// sleeps); the thread runs `curl_multi_perform`, resumes each finished transfer's continuation, and
/// sleeps in `curl_multi_poll` (which also honours libcurl's own timers, so timeouts fire on time).
/// It is also a `TaskExecutor` (see the extension). Everything except `inbox` is touched by the loop
/// thread only, hence `@unchecked Sendable`.
final class MultiLoop: @unchecked Sendable {
    private struct Inbox {
        /// Whether the caller that just queued work must wake the loop (at most once per sleep).
        mutating func needsWake() -> Bool {
            guard sleeping && !wakeSent else { return false }
            wakeSent = true
            return true
        }

        var submissions: [Transfer] = []
        var cancellations: [UInt64] = []
        /// Tasks that prefer this loop as their executor.
        var jobs: [UnownedJob] = []
        var stopping = false
        /// The loop is in (or about to enter) `curl_multi_poll` and needs a wake-up to see new work.
        var sleeping = false
        /// A wake-up was sent since the loop last looked, so further ones would be wasted syscalls.
        var wakeSent = false
        var thread: pthread_t?
        var joinClaimed = false
    }

    private let multi: UnsafeMutableRawPointer
    private let inbox = Mutex(Inbox())
    // Loop-thread state.
    private var active: [UInt64: Transfer] = [:]
    private var takenSubmissions: [Transfer] = []
    private var takenCancellations: [UInt64] = []
    private var takenJobs: [UnownedJob] = []

    init(maxConnections: Int) {
        _ = curlGlobalInit
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed (out of memory)") }
        self.multi = multi
        let limit = max(1, maxConnections)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, limit)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, limit)
    }

    deinit {
        // Runs only after the thread has exited: the thread retains the loop while it runs.
        curl_multi_cleanup(multi)
    }

    /// Starts the loop thread; call once.
    func start() {
        var tid = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&tid, nil, { context in
            let loop = Unmanaged<MultiLoop>.fromOpaque(context!).takeRetainedValue()
            loop.run()
            return nil
        }, context)
        guard rc == 0 else { fatalError("cannot start the HTTP loop thread (pthread_create: \(rc))") }
        inbox.withLock { $0.thread = tid }
    }

    /// Queues a prepared transfer; false once the loop is stopping.
    func submit(_ transfer: Transfer) -> Bool {
        let (accepted, wake) = inbox.withLock { s -> (Bool, Bool) in
            if s.stopping { return (false, false) }
            s.submissions.append(transfer)
            return (true, s.needsWake())
        }
        if wake { curl_multi_wakeup(multi) }
        return accepted
    }

    /// Asks the loop to abort the exchange `id`; ignored if it already finished.
    func cancel(_ id: UInt64) {
        let wake = inbox.withLock { s -> Bool in
            if s.stopping { return false }
            s.cancellations.append(id)
            return s.needsWake()
        }
        if wake { curl_multi_wakeup(multi) }
    }

    /// Fails every pending exchange with `.shutDown` and waits for the thread to exit. Idempotent.
    func stop() {
        let thread = inbox.withLock { s -> pthread_t? in
            s.stopping = true
            if s.joinClaimed { return nil }
            s.joinClaimed = true
            return s.thread
        }
        curl_multi_wakeup(multi)
        guard let thread else { return }
        if pthread_equal(thread, pthread_self()) != 0 {
            pthread_detach(thread)  // stopped from the loop thread itself: it cannot join itself
        } else {
            pthread_join(thread, nil)
        }
    }

    private func run() {
        var running: Int32 = 0
        while true {
            let stopping = inbox.withLock { s -> Bool in
                swap(&takenSubmissions, &s.submissions)
                swap(&takenCancellations, &s.cancellations)
                s.sleeping = false
                s.wakeSent = false
                return s.stopping
            }
            runJobs()
            for transfer in takenSubmissions { add(transfer) }
            takenSubmissions.removeAll(keepingCapacity: true)
            // After the submissions of the same batch, so a cancellation always finds its transfer.
            for id in takenCancellations {
                guard let transfer = active.removeValue(forKey: id) else { continue }
                curl_multi_remove_handle(multi, transfer.easy)
                finish(transfer, .cancelled)
            }
            takenCancellations.removeAll(keepingCapacity: true)
            if stopping { break }

            _ = curl_multi_perform(multi, &running)
            collectFinished()
            runJobs()  // tasks resumed just now, when they prefer this executor
            // Work queued while this thread was busy is picked up without a wake-up round trip;
            // from here on, submitters must wake the poll.
            let idle = inbox.withLock { s -> Bool in
                s.sleeping = s.submissions.isEmpty && s.cancellations.isEmpty && s.jobs.isEmpty && !s.stopping
                return s.sleeping
            }
            if idle { _ = curl_multi_poll(multi, nil, 0, 1000, nil) }
        }
        for transfer in active.values {
            curl_multi_remove_handle(multi, transfer.easy)
            finish(transfer, .shutDown)
        }
        active.removeAll()
        // `stopping` is set, so nothing more can arrive after this drain.
        let late = inbox.withLock { s -> [Transfer] in
            defer { s.submissions = [] }
            return s.submissions
        }
        for transfer in late { finish(transfer, .shutDown) }
        // Tasks still preferring this executor continue on the global one.
        let orphans = inbox.withLock { s -> [UnownedJob] in
            defer { s.jobs = [] }
            return s.jobs
        }
        for job in orphans { globalConcurrentExecutor.enqueue(job) }
    }

    /// Runs the jobs queued so far (those they enqueue wait for the next round).
    private func runJobs() {
        inbox.withLock { swap(&takenJobs, &$0.jobs) }
        for job in takenJobs { job.runSynchronously(on: asUnownedTaskExecutor()) }
        takenJobs.removeAll(keepingCapacity: true)
    }

    private func add(_ transfer: Transfer) {
        if curl_multi_add_handle(multi, transfer.easy) == CURLM_OK {
            active[transfer.id] = transfer
        } else {
            finish(transfer, .done(CURLE_FAILED_INIT))
        }
    }

    private func collectFinished() {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let result = message.pointee.data.result  // read before removal invalidates the message
            var context: UnsafeMutableRawPointer?
            _ = ccurl_easy_getinfo_ptr(easy, CURLINFO_PRIVATE, &context)
            curl_multi_remove_handle(multi, easy)
            guard let context else { continue }
            let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
            active.removeValue(forKey: transfer.id)
            finish(transfer, .done(result))
        }
    }

    /// Hands the transfer back to its task. The transfer must not be touched after the resume.
    private func finish(_ transfer: Transfer, _ outcome: Transfer.Outcome) {
        transfer.outcome = outcome
        let continuation = transfer.continuation
        transfer.continuation = nil
        continuation?.resume()
    }
}

/// The loop thread doubles as a task executor: tasks that prefer it run their code between
/// `curl_multi_perform` rounds, so a finished transfer resumes its caller without waking a thread.
extension MultiLoop: TaskExecutor {
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let (queued, wake) = inbox.withLock { s -> (Bool, Bool) in
            if s.stopping { return (false, false) }
            s.jobs.append(job)
            return (true, s.needsWake())
        }
        if !queued {
            globalConcurrentExecutor.enqueue(job)
        } else if wake {
            curl_multi_wakeup(multi)
        }
    }
}
