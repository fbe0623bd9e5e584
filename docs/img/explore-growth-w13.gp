# The growth of the chat's exploration in wave 13 (docs/explore.md, "Verification results",
# "Wave 13"): optimal DPOR unbounded on both designs, and bounded dpor (--bound 2), from the runs
# listed there. Columns: x, configuration, count, CPU seconds, finished (1) or stopped (0).
# Run: gnuplot docs/img/explore-growth-w13.gp
set datafile separator "\t"
set logscale y
set grid ytics
set key top left
set style data linespoints
set xlabel "configuration (clients x lines)"
set ylabel "count"
do for [fmt in "png svg"] {
  if (fmt eq "png") { set terminal pngcairo size 1600,450 font ",10"; set output "docs/img/explore-growth-w13.png" } \
  else { set terminal svg size 1600,450 font ",10"; set output "docs/img/explore-growth-w13.svg" }
  set multiplot layout 1,3 title "papaya explore, correct designs, exploration scenario (wave 13, shared 2-core machine)"
  set title "process design, optimal DPOR, unbounded (open: stopped)"
  plot "docs/img/explore-growth-w13-process.tsv" using 1:($5 == 1 ? $3 : 1/0):xtic(2) title "traces, verified" pt 7 ps 1.5, \
       "" using 1:($5 == 0 ? $3 : 1/0) title "traces reached, stopped" pt 6 ps 1.5, \
       "" using 1:4 title "CPU seconds" pt 4 dt 2
  set title "goroutine design, GOMAXPROCS 1 and 2, optimal DPOR, unbounded"
  plot "docs/img/explore-growth-w13-goroutine.tsv" using 1:($5 == 1 ? $3 : 1/0):xtic(2) title "traces, verified" pt 7 ps 1.5, \
       "" using 1:($5 == 0 ? $3 : 1/0) title "traces reached, stopped" pt 6 ps 1.5, \
       "" using 1:4 title "CPU seconds" pt 4 dt 2
  set title "process design, bounded dpor --bound 2 (open: bound 0 unfinished)"
  plot "docs/img/explore-growth-w13-bpor.tsv" using 1:($5 == 1 ? $3 : 1/0):xtic(2) title "executions, finished" pt 7 ps 1.5, \
       "" using 1:($5 == 0 ? $3 : 1/0) title "executions, stopped" pt 6 ps 1.5, \
       "" using 1:6 title "distinct traces" pt 5, \
       "" using 1:4 title "CPU seconds" pt 4 dt 2
  unset multiplot
}
