#pragma once

#include "pipeline/context.h"

#include <filesystem>

namespace nbaops::pipeline {

// Phase 6, publishing: JSON documents for the site and API (publishing.cpp).

// Phase 6: publish/predictions/{date}.json, the day's predictions (and their grades).
class PublishPredictions final : public Processor
{
public:
    std::string_view name() const override { return "publish_predictions"; }
    Work run(Context& ctx, Date date) override;
};

// Phase 6: publish/players/{id}.json for every player who played on the date.
class PublishPlayerPages final : public Processor
{
public:
    std::string_view name() const override { return "publish_player_pages"; }
    Work run(Context& ctx, Date date) override;
};

// Writes the queued documents (each atomically) and indexes them, in one transaction at the
// end; returns how many were written. Safe to repeat: a crash halfway leaves the queue in place.
int flushPublished(store::Database& db, const std::filesystem::path& dataRoot);

} // namespace nbaops::pipeline
