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
            o.Interceptors.Add<UnavailableInterceptor>();
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

    /// <summary>Storage or cluster trouble under a call is UNAVAILABLE (retry later), as REST answers 503.</summary>
    private sealed class UnavailableInterceptor(ILogger<UnavailableInterceptor> logger) : Interceptor
    {
        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            try
            {
                return await continuation(request, context);
            }
            catch (Exception e) when (e is not RpcException && TransientFailure.Is(e))
            {
                throw Unavailable(e, context);
            }
        }

        public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
            TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
        {
            try
            {
                await continuation(request, responseStream, context);
            }
            catch (Exception e) when (e is not RpcException && TransientFailure.Is(e))
            {
                throw Unavailable(e, context);
            }
        }

        private RpcException Unavailable(Exception e, ServerCallContext context)
        {
            logger.LogWarning(e, "Storage or cluster unavailable while serving {Method}", context.Method);
            return new RpcException(new Status(StatusCode.Unavailable, "Storage or cluster is unavailable; retry later."));
        }
    }
}
