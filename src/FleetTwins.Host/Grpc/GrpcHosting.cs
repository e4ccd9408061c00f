using FleetTwins.Abstractions.Persistence;
using FleetTwins.Grains.Delivery;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace FleetTwins.Host.Grpc;

/// <summary>The gRPC query API (<c>fleettwins.v1.VehicleTwins</c>) with server reflection, on every endpoint that speaks HTTP/2.</summary>
public static class GrpcHosting
{
    public static WebApplicationBuilder AddFleetTwinsGrpc(this WebApplicationBuilder builder)
    {
        builder.Services.AddGrpc(o =>
        {
            o.Interceptors.Add<FailureInterceptor>();
            o.MaxReceiveMessageSize = 1024 * 1024;
        });
        builder.Services.AddGrpcReflection();
        return builder;
    }

    public static WebApplication MapFleetTwinsGrpc(this WebApplication app)
    {
        app.MapGrpcService<VehicleTwinsService>();
        app.MapGrpcReflectionService().AllowAnonymous();
        return app;
    }

    /// <summary>
    /// What a call fails with beyond its own statuses: storage or cluster trouble is UNAVAILABLE (retry later), as REST
    /// answers 503; anything else INTERNAL with its cause logged, not answered (rather than UNKNOWN with a stack's worth of hints).
    /// A call the client cancelled or whose deadline passed keeps the status gRPC gives it.
    /// </summary>
    private sealed class FailureInterceptor(ILogger<FailureInterceptor> logger) : Interceptor
    {
        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            try
            {
                return await continuation(request, context);
            }
            catch (Exception e) when (e is not RpcException && (TransientFailure.Is(e) || !context.CancellationToken.IsCancellationRequested))
            {
                throw Failed(e, context);
            }
        }

        public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
            TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
        {
            try
            {
                await continuation(request, responseStream, context);
            }
            catch (Exception e) when (e is not RpcException && (TransientFailure.Is(e) || !context.CancellationToken.IsCancellationRequested))
            {
                throw Failed(e, context);
            }
        }

        private RpcException Failed(Exception e, ServerCallContext context)
        {
            if (StorageRefusedException.In(e) is not null)
            {
                logger.LogError(e, "Storage refuses writes while serving {Method}", context.Method);
                return new RpcException(new Status(StatusCode.FailedPrecondition, "Storage refuses writes until an operator acts; nothing was changed."));
            }

            if (TransientFailure.Is(e))
            {
                logger.LogWarning(e, "Storage or cluster unavailable while serving {Method}", context.Method);
                return new RpcException(new Status(StatusCode.Unavailable, "Storage or cluster is unavailable; retry later."));
            }

            logger.LogError(e, "Failed serving {Method}", context.Method);
            return new RpcException(new Status(StatusCode.Internal, "The call could not be served; the cause is logged."));
        }
    }
}
