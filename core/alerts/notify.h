#pragma once

#include "engine.h"

#include <chrono>
#include <memory>

namespace nbaops::alerts {

// Delivers through libcurl: a webhook receiver gets a Slack-compatible JSON POST
// ({"text": ...}) with an Idempotency-Key header; an smtp receiver gets an e-mail (smtp:// or
// smtps:// URL, From, To, Subject, a Message-ID made from the notification id). One attempt per
// call: the outbox retries.
class CurlSender final : public Sender
{
public:
    explicit CurlSender(std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));
    ~CurlSender() override;
    std::string send(const Receiver& receiver, const Message& message) override;

private:
    std::string webhook(const Receiver& receiver, const Message& message);
    std::string smtp(const Receiver& receiver, const Message& message);
    std::chrono::milliseconds m_timeout;
    struct Impl;
    std::unique_ptr<Impl> d;
};

// The e-mail text (headers and body, CRLF line ends) for a message.
std::string emailText(const Receiver& receiver, const Message& message, TimePoint now);

} // namespace nbaops::alerts
