target_sources(nbaops_core PRIVATE net/httpclient.cpp net/circuitbreaker.cpp net/ratelimiter.cpp)
