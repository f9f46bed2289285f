-- wrk script: every request submits a complete application.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.body = '{"service":"BENCH","submit":true,"answers":{"name":"Beban Uji","copies":1,"date":"2026-11-01"}}'
