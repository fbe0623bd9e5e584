# The growth of the chat's exploration (docs/explore.md), from the runs listed there
# (bench/explore_table.sh, the long `papaya explore --strategy optimal` runs, and
# bench/explore_bpor_table.sh for bounded dpor).
# Run: gnuplot docs/img/explore-growth.gp
set datafile separator "\t"
set logscale y
set grid ytics
set key top left
set style data linespoints
do for [fmt in "png svg"] {
  if (fmt eq "png") { set terminal pngcairo size 1600,450 font ",10"; set output "docs/img/explore-growth.png" } \
  else { set terminal svg size 1600,450 font ",10"; set output "docs/img/explore-growth.svg" }
  set multiplot layout 1,3 title "papaya explore, correct process design, exploration scenario (shared 2-core machine under load)"
  set title "1 client, 0-3 lines: preemption-bounded dfs (finished)"
  set xlabel "lines"
  set ylabel "count"
  set xtics 1
  plot "docs/img/explore-growth-lines.tsv" using 1:2 title "executions, bound 0" pt 7, \
       "" using 1:3 title "distinct traces, bound 0" pt 6, \
       "" using 1:4 title "executions, bound 1" pt 5, \
       "" using 1:5 title "distinct traces, bound 1" pt 4
  set title "optimal DPOR: traces reached (1x0 finished; others stopped after the seconds shown)"
  set xlabel "configuration (clients x lines)"
  unset xtics
  set xtics ("1x0" 0, "1x1" 1, "1x2" 2, "2x0" 3, "2x1" 4)
  plot "docs/img/explore-growth-dpor.tsv" using 1:2 title "distinct traces (lower bound unless finished)" pt 7, \
       "" using 1:3 title "seconds run" pt 6
  set title "bounded dpor, --bound 2 (release build; lower bounds where stopped)"
  set xtics ("1x0" 0, "1x1" 1, "1x2" 2, "1x3" 3, "2x1" 4, "3x1" 5, "2x2" 6)
  plot "docs/img/explore-growth-bpor.tsv" using 1:2 title "executions" pt 7, \
       "" using 1:3 title "distinct traces" pt 6, \
       "" using 1:4 title "seconds" pt 5
  unset multiplot
}
