-- GET with a bearer token. BENCH_AUTHORIZATION holds the whole header value
-- ("Bearer <access token>").
wrk.method = "GET"
wrk.headers["Authorization"] = assert(os.getenv("BENCH_AUTHORIZATION"), "set BENCH_AUTHORIZATION")
