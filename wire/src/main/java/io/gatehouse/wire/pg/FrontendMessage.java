package io.gatehouse.wire.pg;

/**
 * A message from client to server after the startup packet (protocol 3.0, "Message Formats",
 * marked (F)). {@link CopyData}, {@link CopyDone} and {@link Unknown} are shared with {@link
 * BackendMessage}: their form is the same in both directions.
 */
public sealed interface FrontendMessage
        permits Query,
                Parse,
                Bind,
                Describe,
                Execute,
                Sync,
                Flush,
                Close,
                CopyData,
                CopyDone,
                CopyFail,
                FunctionCall,
                Terminate,
                PasswordMessage,
                SASLInitialResponse,
                SASLResponse,
                GSSResponse,
                Unknown {}
