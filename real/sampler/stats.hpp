// Mean, standard deviation and coefficient of variation of a series of per-interval samples.
#pragma once

#include <cstddef>
#include <vector>

namespace papaya::real::sampler {

struct Summary {
  size_t n = 0;
  double mean = 0;
  double stddev = 0;  // sample standard deviation (divides by n - 1); 0 when n < 2
  double cv = 0;      // stddev / mean; 0 when the mean is 0
};

Summary summarize(const std::vector<double>& xs);

// The median of `xs` (the mean of the middle two for an even count); 0 for none.
double median(std::vector<double> xs);

}  // namespace papaya::real::sampler
