# The growth of the chat's exploration with lines and clients (docs/explore.md), from the table
# bench/explore_table.sh prints (docs/img/explore-table.tsv). Run: gnuplot docs/img/explore-growth.gp
set datafile separator "\t"
set logscale y
set grid ytics
set key top left
set style data linespoints
do for [fmt in "png svg"] {
  if (fmt eq "png") { set terminal pngcairo size 1100,450 font ",10"; set output "docs/img/explore-growth.png" } \
  else { set terminal svg size 1100,450 font ",10"; set output "docs/img/explore-growth.svg" }
  set multiplot layout 1,2 title "papaya explore, correct process design (dev build, shared 2-core machine under load)"
  set title "1 client, 0-3 lines: preemption-bounded dfs (finished)"
  set xlabel "lines"
  set ylabel "count"
  set xtics 1
  plot "docs/img/explore-growth-lines.tsv" using 1:2 title "executions, bound 0" pt 7, \
       "" using 1:3 title "distinct traces, bound 0" pt 6, \
       "" using 1:4 title "executions, bound 1" pt 5, \
       "" using 1:5 title "distinct traces, bound 1" pt 4
  set title "1 line, 1-3 clients, dfs bound 0: 1 client finished; 2, 3 stopped at 15 s (lower bounds)"
  set xlabel "clients"
  plot "docs/img/explore-growth-clients.tsv" using 1:2 title "executions within the time limit" pt 7, \
       "" using 1:3 title "distinct traces within the time limit" pt 6
  unset multiplot
}
