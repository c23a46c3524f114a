import NIOCore
import NIOHTTP1

/// Collects one request (head, body up to a limit, end), hands it to the
/// handler closure synchronously on the event loop and writes the answer.
///
/// No `Task` per request: the handler is pure and fast, and hopping off the
/// loop would cost more than the work itself.
final class MockHTTPChannelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case receiving(HTTPRequestHead, ByteBuffer?)
        /// An answer (413) was already sent; the rest of the request is dropped.
        case discarding
    }

    private let handler: @Sendable (MockRequest) -> MockResponse
    private let maxBodyBytes: Int
    private var state = State.idle

    init(maxBodyBytes: Int, handler: @escaping @Sendable (MockRequest) -> MockResponse) {
        self.maxBodyBytes = maxBodyBytes
        self.handler = handler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > maxBodyBytes {
                rejectTooLarge(head, context: context)
                return
            }
            if head.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))),
                                      promise: nil)
            }
            state = .receiving(head, nil)
        case .body(var part):
            guard case .receiving(let head, var body) = state else { return }
            if (body?.readableBytes ?? 0) + part.readableBytes > maxBodyBytes {
                rejectTooLarge(head, context: context)
                return
            }
            state = .idle  // drop the reference so the append below does not copy
            if body == nil { body = part } else { body!.writeBuffer(&part) }
            state = .receiving(head, body)
        case .end:
            guard case .receiving(let head, let body) = state else {
                state = .idle
                return
            }
            state = .idle
            let request = MockRequest(
                method: head.method.rawValue,
                target: head.uri,
                headers: head.headers.map { ($0.name, $0.value) },
                body: body.map { Array($0.readableBytesView) } ?? [])
            write(handler(request), for: head, forceClose: false, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func rejectTooLarge(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        state = .discarding
        let body: [UInt8] = Array(#"{"error":"request body larger than \#(maxBodyBytes) bytes"}"#.utf8)
        write(MockResponse(status: 413, headers: [("Content-Type", "application/json")], body: body),
              for: head, forceClose: true, context: context)
    }

    private func write(_ response: MockResponse, for request: HTTPRequestHead, forceClose: Bool, context: ChannelHandlerContext) {
        let keepAlive = request.isKeepAlive && !forceClose
        var headers = HTTPHeaders()
        headers.reserveCapacity(response.headers.count + 3)
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        headers.replaceOrAdd(name: "Server", value: "conform-mock")
        // 1xx, 204 and 304 carry neither a body nor a Content-Length (RFC 9110 §8.6).
        let bodyless = response.status < 200 || response.status == 204 || response.status == 304
        if !bodyless { headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count)) }
        if keepAlive, request.version.major == 1, request.version.minor == 0 {
            headers.replaceOrAdd(name: "Connection", value: "keep-alive")
        } else if !keepAlive {
            headers.replaceOrAdd(name: "Connection", value: "close")
        }
        let head = HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: response.status),
                                    headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !bodyless, !response.body.isEmpty, request.method != .HEAD {
            var buffer = context.channel.allocator.buffer(capacity: response.body.count)
            buffer.writeBytes(response.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
