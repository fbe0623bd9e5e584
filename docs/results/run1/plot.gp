# gnuplot script written by papaya bench cpu; run in this directory: gnuplot plot.gp
set key top left
set logscale x 2
set grid
set xlabel 'connections (1 Mbit/s each)'
do for [t in 'pngcairo svg'] {
  ext = (t eq 'svg') ? 'svg' : 'png'
  set terminal t size 900,600
  set output 'cpu.'.ext
  set logscale y
  set ylabel 'server CPU, % of one core'
  plot 'paper.dat' using 1:2 with linespoints dt 2 pt 6 title 'paper: C (FreeBSD, top)', 'paper.dat' using 1:4 with linespoints dt 2 pt 4 title 'paper: Go', 'process.dat' using 1:2:3:4 with yerrorlines lw 2 title 'ours: process', 'c.dat' using 1:2:3:4 with yerrorlines lw 2 title 'ours: c', 'go.dat' using 1:2:3:4 with yerrorlines lw 2 title 'ours: go', 'go-raw.dat' using 1:2:3:4 with yerrorlines lw 2 title 'ours: go-raw'
  set output 'cv.'.ext
  unset logscale y
  set ylabel 'coefficient of variation'
  plot 'paper.dat' using 1:3 with linespoints dt 2 pt 6 title 'paper: C', 'paper.dat' using 1:5 with linespoints dt 2 pt 4 title 'paper: Go', 'process.dat' using 1:5 with linespoints lw 2 title 'ours: process', 'c.dat' using 1:5 with linespoints lw 2 title 'ours: c', 'go.dat' using 1:5 with linespoints lw 2 title 'ours: go', 'go-raw.dat' using 1:5 with linespoints lw 2 title 'ours: go-raw'
}
