#pragma once
// The model commands' terminal output (modelprint.cpp).

#include "model/versions.h"
#include "model/walkforward.h"

#include <nlohmann/json.hpp>

#include <vector>

namespace nbaops::cli {

void printReport(const nlohmann::json& report);                  // a training report
void printWalkForward(const model::WalkForward& w, int validDates); // a line a month
void printSearch(const nlohmann::json& search);                  // the search's standing
void printAblation(const model::Ablation& a);                    // a line a family
int printVersions(const std::vector<model::ModelVersion>& versions, bool json); // model list

} // namespace nbaops::cli
