-- POST /oauth2/token: the client-credentials grant, client authenticated by HTTP Basic.
-- BENCH_AUTHORIZATION holds the whole header value ("Basic <base64 id:secret>").
wrk.method = "POST"
wrk.body = "grant_type=client_credentials"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = assert(os.getenv("BENCH_AUTHORIZATION"), "set BENCH_AUTHORIZATION")
