# R spdep on the benchmark's cells: dnearneigh + include.self + binary
# weights + localG, timed without the CSV read; also the largest gap to
# the plugin's z-scores.
suppressMessages(library(spdep))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
xy <- cbind(d$cx, d$cy)
best <- Inf
for (i in seq_len(as.integer(args[2]))) {
  t <- system.time({
    nb <- dnearneigh(xy, 0, 15000 * (1 + 1e-9))
    g <- localG(d$count, nb2listw(include.self(nb), style = "B"))
  })[["elapsed"]]
  best <- min(best, t)
}
cat(sprintf("spdep_seconds: %.4f\n", best))
cat(sprintf("spdep_max_abs_diff: %.3g\n", max(abs(as.numeric(g) - d$gi_z))))
