# The API as a container; compose.yaml runs two of them next to PostgreSQL.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props ./
COPY src/ src/
RUN dotnet publish src/Loyalty.Api/Loyalty.Api.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# The listening address comes from the environment; compose or `docker run -e` may change it.
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
USER app
HEALTHCHECK --interval=5s --timeout=5s --start-period=30s --retries=5 CMD ["dotnet", "Loyalty.Api.dll", "health"]
ENTRYPOINT ["dotnet", "Loyalty.Api.dll"]
