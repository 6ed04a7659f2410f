export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  public: {
    Tables: {
      app_settings: {
        Row: {
          description: string
          key: string
          updated_at: string
          value: NonNullable<Json>
        }
        Insert: {
          description: string
          key: string
          updated_at?: string
          value: NonNullable<Json>
        }
        Update: {
          description?: string
          key?: string
          updated_at?: string
          value?: NonNullable<Json>
        }
        Relationships: []
      }
      confirmation_failures: {
        Row: {
          at: string
          id: string
          message_id: string | null
          operator_id: string
          verb: string
        }
        Insert: {
          at?: string
          id?: string
          message_id?: string | null
          operator_id: string
          verb: string
        }
        Update: {
          at?: string
          id?: string
          message_id?: string | null
          operator_id?: string
          verb?: string
        }
        Relationships: [
          {
            foreignKeyName: "confirmation_failures_operator_id_fkey"
            columns: ["operator_id"]
            isOneToOne: false
            referencedRelation: "operators"
            referencedColumns: ["id"]
          },
        ]
      }
      conversations: {
        Row: {
          claimed_by: string | null
          claimed_until: string | null
          created_at: string
          human_note_at: string | null
          id: string
          last_inbound_at: string | null
          profile_name: string | null
          state: string
          state_changed_at: string
          state_reason: string | null
          throttled_until: string | null
          updated_at: string
          user_id: string | null
          username: string | null
          wa_id: string | null
        }
        Insert: {
          claimed_by?: string | null
          claimed_until?: string | null
          created_at?: string
          human_note_at?: string | null
          id?: string
          last_inbound_at?: string | null
          profile_name?: string | null
          state?: string
          state_changed_at?: string
          state_reason?: string | null
          throttled_until?: string | null
          updated_at?: string
          user_id?: string | null
          username?: string | null
          wa_id?: string | null
        }
        Update: {
          claimed_by?: string | null
          claimed_until?: string | null
          created_at?: string
          human_note_at?: string | null
          id?: string
          last_inbound_at?: string | null
          profile_name?: string | null
          state?: string
          state_changed_at?: string
          state_reason?: string | null
          throttled_until?: string | null
          updated_at?: string
          user_id?: string | null
          username?: string | null
          wa_id?: string | null
        }
        Relationships: []
      }
      customers: {
        Row: {
          created_at: string
          id: string
          msisdn: string
          name: string
          preferred_language: string
          updated_at: string
          user_id: string | null
        }
        Insert: {
          created_at?: string
          id?: string
          msisdn: string
          name: string
          preferred_language?: string
          updated_at?: string
          user_id?: string | null
        }
        Update: {
          created_at?: string
          id?: string
          msisdn?: string
          name?: string
          preferred_language?: string
          updated_at?: string
          user_id?: string | null
        }
        Relationships: []
      }
      eval_runs: {
        Row: {
          cases_passed: number
          cases_total: number
          cost_usd: number | null
          finished_at: string
          git_sha: string | null
          id: string
          input_tokens: number
          mode: string
          model: string
          output_tokens: number
          p50_turn_ms: number | null
          p95_turn_ms: number | null
          pass_rate: number | null
          report: NonNullable<Json>
          started_at: string
        }
        Insert: {
          cases_passed: number
          cases_total: number
          cost_usd?: number | null
          finished_at?: string
          git_sha?: string | null
          id?: string
          input_tokens?: number
          mode: string
          model: string
          output_tokens?: number
          p50_turn_ms?: number | null
          p95_turn_ms?: number | null
          pass_rate?: never
          report?: NonNullable<Json>
          started_at: string
        }
        Update: {
          cases_passed?: number
          cases_total?: number
          cost_usd?: number | null
          finished_at?: string
          git_sha?: string | null
          id?: string
          input_tokens?: number
          mode?: string
          model?: string
          output_tokens?: number
          p50_turn_ms?: number | null
          p95_turn_ms?: number | null
          pass_rate?: never
          report?: NonNullable<Json>
          started_at?: string
        }
        Relationships: []
      }
      feature_flags: {
        Row: {
          description: string
          enabled: boolean
          name: string
          updated_at: string
        }
        Insert: {
          description: string
          enabled: boolean
          name: string
          updated_at?: string
        }
        Update: {
          description?: string
          enabled?: boolean
          name?: string
          updated_at?: string
        }
        Relationships: []
      }
      handoff_relays: {
        Row: {
          at: string
          direction: string
          handoff_id: string
          id: string
          relayed_message_id: string
          source_message_id: string
          staff_name: string
          staff_wa_id: string
        }
        Insert: {
          at?: string
          direction: string
          handoff_id: string
          id?: string
          relayed_message_id: string
          source_message_id: string
          staff_name: string
          staff_wa_id: string
        }
        Update: {
          at?: string
          direction?: string
          handoff_id?: string
          id?: string
          relayed_message_id?: string
          source_message_id?: string
          staff_name?: string
          staff_wa_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "handoff_relays_handoff_id_fkey"
            columns: ["handoff_id"]
            isOneToOne: false
            referencedRelation: "handoffs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "handoff_relays_relayed_message_id_fkey"
            columns: ["relayed_message_id"]
            isOneToOne: false
            referencedRelation: "messages"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "handoff_relays_source_message_id_fkey"
            columns: ["source_message_id"]
            isOneToOne: false
            referencedRelation: "messages"
            referencedColumns: ["id"]
          },
        ]
      }
      handoffs: {
        Row: {
          alerted_at: string | null
          alerted_staff: string[]
          alerts: number
          conversation_id: string
          first_answer_at: string | null
          id: string
          number: number
          reason: string
          return_reason: string | null
          returned_at: string | null
          started_at: string
          taken_at: string | null
          taken_by: string | null
          taken_by_name: string | null
          waiting_told_at: string | null
        }
        Insert: {
          alerted_at?: string | null
          alerted_staff?: string[]
          alerts?: number
          conversation_id: string
          first_answer_at?: string | null
          id?: string
          number?: never
          reason: string
          return_reason?: string | null
          returned_at?: string | null
          started_at?: string
          taken_at?: string | null
          taken_by?: string | null
          taken_by_name?: string | null
          waiting_told_at?: string | null
        }
        Update: {
          alerted_at?: string | null
          alerted_staff?: string[]
          alerts?: number
          conversation_id?: string
          first_answer_at?: string | null
          id?: string
          number?: never
          reason?: string
          return_reason?: string | null
          returned_at?: string | null
          started_at?: string
          taken_at?: string | null
          taken_by?: string | null
          taken_by_name?: string | null
          waiting_told_at?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "handoffs_conversation_id_fkey"
            columns: ["conversation_id"]
            isOneToOne: false
            referencedRelation: "conversations"
            referencedColumns: ["id"]
          },
        ]
      }
      job_heartbeats: {
        Row: {
          job: string
          ran_at: string
          result: NonNullable<Json>
        }
        Insert: {
          job: string
          ran_at?: string
          result?: NonNullable<Json>
        }
        Update: {
          job?: string
          ran_at?: string
          result?: NonNullable<Json>
        }
        Relationships: []
      }
      message_pricing: {
        Row: {
          billable: boolean
          caller_role: string | null
          category: string
          conversation_id: string | null
          created_at: string
          message_id: string
          pricing_model: string | null
          pricing_type: string | null
        }
        Insert: {
          billable: boolean
          caller_role?: string | null
          category: string
          conversation_id?: string | null
          created_at?: string
          message_id: string
          pricing_model?: string | null
          pricing_type?: string | null
        }
        Update: {
          billable?: boolean
          caller_role?: string | null
          category?: string
          conversation_id?: string | null
          created_at?: string
          message_id?: string
          pricing_model?: string | null
          pricing_type?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "message_pricing_conversation_id_fkey"
            columns: ["conversation_id"]
            isOneToOne: false
            referencedRelation: "conversations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "message_pricing_message_id_fkey"
            columns: ["message_id"]
            isOneToOne: true
            referencedRelation: "messages"
            referencedColumns: ["id"]
          },
        ]
      }
      message_status_events: {
        Row: {
          callback_data: string | null
          created_at: string
          errors: NonNullable<Json>
          id: number
          occurred_at: string
          payload: NonNullable<Json>
          status: string
          wa_message_id: string
        }
        Insert: {
          callback_data?: string | null
          created_at?: string
          errors?: NonNullable<Json>
          id?: never
          occurred_at: string
          payload: NonNullable<Json>
          status: string
          wa_message_id: string
        }
        Update: {
          callback_data?: string | null
          created_at?: string
          errors?: NonNullable<Json>
          id?: never
          occurred_at?: string
          payload?: NonNullable<Json>
          status?: string
          wa_message_id?: string
        }
        Relationships: []
      }
      messages: {
        Row: {
          attempts: number
          body: string | null
          caller_role: string | null
          conversation_id: string
          created_at: string
          delivered_at: string | null
          direction: string
          error_code: number | null
          error_title: string | null
          expires_at: string | null
          failed_at: string | null
          id: string
          in_reply_to: string | null
          merged_into: string | null
          next_attempt_at: string | null
          payload: NonNullable<Json>
          purpose: string
          read_at: string | null
          sent_at: string | null
          seq: number
          status: string
          template: Json | null
          to_user_id: string | null
          to_wa_id: string | null
          type: string
          updated_at: string
          wa_message_id: string | null
          wa_timestamp: string | null
        }
        Insert: {
          attempts?: number
          body?: string | null
          caller_role?: string | null
          conversation_id: string
          created_at?: string
          delivered_at?: string | null
          direction: string
          error_code?: number | null
          error_title?: string | null
          expires_at?: string | null
          failed_at?: string | null
          id?: string
          in_reply_to?: string | null
          merged_into?: string | null
          next_attempt_at?: string | null
          payload?: NonNullable<Json>
          purpose?: string
          read_at?: string | null
          sent_at?: string | null
          seq?: number
          status: string
          template?: Json | null
          to_user_id?: string | null
          to_wa_id?: string | null
          type: string
          updated_at?: string
          wa_message_id?: string | null
          wa_timestamp?: string | null
        }
        Update: {
          attempts?: number
          body?: string | null
          caller_role?: string | null
          conversation_id?: string
          created_at?: string
          delivered_at?: string | null
          direction?: string
          error_code?: number | null
          error_title?: string | null
          expires_at?: string | null
          failed_at?: string | null
          id?: string
          in_reply_to?: string | null
          merged_into?: string | null
          next_attempt_at?: string | null
          payload?: NonNullable<Json>
          purpose?: string
          read_at?: string | null
          sent_at?: string | null
          seq?: number
          status?: string
          template?: Json | null
          to_user_id?: string | null
          to_wa_id?: string | null
          type?: string
          updated_at?: string
          wa_message_id?: string | null
          wa_timestamp?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "messages_conversation_id_fkey"
            columns: ["conversation_id"]
            isOneToOne: false
            referencedRelation: "conversations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "messages_in_reply_to_fkey"
            columns: ["in_reply_to"]
            isOneToOne: false
            referencedRelation: "messages"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "messages_merged_into_fkey"
            columns: ["merged_into"]
            isOneToOne: false
            referencedRelation: "messages"
            referencedColumns: ["id"]
          },
        ]
      }
      metric_folds: {
        Row: {
          bucket: number
          code: string
          key: string
          n: number
          series: string
          total: number
        }
        Insert: {
          bucket: number
          code: string
          key: string
          n?: number
          series: string
          total?: number
        }
        Update: {
          bucket?: number
          code?: string
          key?: string
          n?: number
          series?: string
          total?: number
        }
        Relationships: []
      }
      metric_watermarks: {
        Row: {
          rolled_until: string
          source: string
        }
        Insert: {
          rolled_until?: string
          source: string
        }
        Update: {
          rolled_until?: string
          source?: string
        }
        Relationships: []
      }
      model_calls: {
        Row: {
          attempts: number
          conversation_id: string | null
          created_at: string
          id: number
          input_tokens: number
          latency_ms: number
          model: string
          outcome: string
          output_tokens: number
        }
        Insert: {
          attempts?: number
          conversation_id?: string | null
          created_at?: string
          id?: never
          input_tokens?: number
          latency_ms: number
          model: string
          outcome: string
          output_tokens?: number
        }
        Update: {
          attempts?: number
          conversation_id?: string | null
          created_at?: string
          id?: never
          input_tokens?: number
          latency_ms?: number
          model?: string
          outcome?: string
          output_tokens?: number
        }
        Relationships: [
          {
            foreignKeyName: "model_calls_conversation_id_fkey"
            columns: ["conversation_id"]
            isOneToOne: false
            referencedRelation: "conversations"
            referencedColumns: ["id"]
          },
        ]
      }
      operators: {
        Row: {
          active: boolean
          created_at: string
          id: string
          msisdn: string
          name: string
          preferred_language: string | null
          updated_at: string
          user_id: string | null
        }
        Insert: {
          active?: boolean
          created_at?: string
          id?: string
          msisdn: string
          name: string
          preferred_language?: string | null
          updated_at?: string
          user_id?: string | null
        }
        Update: {
          active?: boolean
          created_at?: string
          id?: string
          msisdn?: string
          name?: string
          preferred_language?: string | null
          updated_at?: string
          user_id?: string | null
        }
        Relationships: []
      }
      operators_audit: {
        Row: {
          action: string
          application_name: string | null
          changed_at: string
          dashboard_user: string | null
          db_role: string
          id: number
          new_value: Json | null
          old_value: Json | null
          operator_id: string
          session_role: string
        }
        Insert: {
          action: string
          application_name?: string | null
          changed_at?: string
          dashboard_user?: string | null
          db_role?: string
          id?: never
          new_value?: Json | null
          old_value?: Json | null
          operator_id: string
          session_role?: string
        }
        Update: {
          action?: string
          application_name?: string | null
          changed_at?: string
          dashboard_user?: string | null
          db_role?: string
          id?: never
          new_value?: Json | null
          old_value?: Json | null
          operator_id?: string
          session_role?: string
        }
        Relationships: []
      }
      pending_actions: {
        Row: {
          approval_code: string | null
          approve_message_id: string | null
          approved_by: string | null
          args: NonNullable<Json>
          confirm_message_id: string | null
          confirmation_code: string
          conversation_id: string | null
          created_at: string
          decided_at: string | null
          error_code: string | null
          expires_at: string
          id: string
          intent: string
          kind: string
          operator_id: string
          result: Json | null
          status: string
          updated_at: string
          voucher_action_description: string | null
          voucher_action_json: Json | null
        }
        Insert: {
          approval_code?: string | null
          approve_message_id?: string | null
          approved_by?: string | null
          args: NonNullable<Json>
          confirm_message_id?: string | null
          confirmation_code: string
          conversation_id?: string | null
          created_at?: string
          decided_at?: string | null
          error_code?: string | null
          expires_at: string
          id?: string
          intent: string
          kind: string
          operator_id: string
          result?: Json | null
          status?: string
          updated_at?: string
        }
        Update: {
          approval_code?: string | null
          approve_message_id?: string | null
          approved_by?: string | null
          args?: NonNullable<Json>
          confirm_message_id?: string | null
          confirmation_code?: string
          conversation_id?: string | null
          created_at?: string
          decided_at?: string | null
          error_code?: string | null
          expires_at?: string
          id?: string
          intent?: string
          kind?: string
          operator_id?: string
          result?: Json | null
          status?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "pending_actions_approved_by_fkey"
            columns: ["approved_by"]
            isOneToOne: false
            referencedRelation: "operators"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "pending_actions_conversation_id_fkey"
            columns: ["conversation_id"]
            isOneToOne: false
            referencedRelation: "conversations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "pending_actions_kind_fkey"
            columns: ["kind"]
            isOneToOne: false
            referencedRelation: "voucher_action_kinds"
            referencedColumns: ["kind"]
          },
          {
            foreignKeyName: "pending_actions_operator_id_fkey"
            columns: ["operator_id"]
            isOneToOne: false
            referencedRelation: "operators"
            referencedColumns: ["id"]
          },
        ]
      }
      rate_limits: {
        Row: {
          bucket: string
          tat: string
          updated_at: string
        }
        Insert: {
          bucket: string
          tat: string
          updated_at?: string
        }
        Update: {
          bucket?: string
          tat?: string
          updated_at?: string
        }
        Relationships: []
      }
      request_log: {
        Row: {
          created_at: string
          duration_ms: number
          error_code: string | null
          function_name: string
          id: number
          key_id: string | null
          method: string
          request_id: string | null
          status: number
        }
        Insert: {
          created_at?: string
          duration_ms: number
          error_code?: string | null
          function_name: string
          id?: never
          key_id?: string | null
          method: string
          request_id?: string | null
          status: number
        }
        Update: {
          created_at?: string
          duration_ms?: number
          error_code?: string | null
          function_name?: string
          id?: never
          key_id?: string | null
          method?: string
          request_id?: string | null
          status?: number
        }
        Relationships: []
      }
      settings_audit: {
        Row: {
          action: string
          application_name: string | null
          changed_at: string
          dashboard_user: string | null
          db_role: string
          id: number
          key: string
          new_value: Json | null
          old_value: Json | null
          session_role: string
          table_name: string
        }
        Insert: {
          action: string
          application_name?: string | null
          changed_at?: string
          dashboard_user?: string | null
          db_role?: string
          id?: never
          key: string
          new_value?: Json | null
          old_value?: Json | null
          session_role?: string
          table_name: string
        }
        Update: {
          action?: string
          application_name?: string | null
          changed_at?: string
          dashboard_user?: string | null
          db_role?: string
          id?: never
          key?: string
          new_value?: Json | null
          old_value?: Json | null
          session_role?: string
          table_name?: string
        }
        Relationships: []
      }
      tool_calls: {
        Row: {
          arguments: NonNullable<Json>
          call_id: string
          caller_role: string
          channel: string
          conversation_id: string | null
          created_at: string
          error_code: string | null
          id: string
          latency_ms: number
          message_id: string | null
          output: Json | null
          success: boolean
          tool: string
          voice_call_id: string | null
        }
        Insert: {
          arguments?: NonNullable<Json>
          call_id: string
          caller_role: string
          channel?: string
          conversation_id?: string | null
          created_at?: string
          error_code?: string | null
          id?: string
          latency_ms: number
          message_id?: string | null
          output?: Json | null
          success: boolean
          tool: string
          voice_call_id?: string | null
        }
        Update: {
          arguments?: NonNullable<Json>
          call_id?: string
          caller_role?: string
          channel?: string
          conversation_id?: string | null
          created_at?: string
          error_code?: string | null
          id?: string
          latency_ms?: number
          message_id?: string | null
          output?: Json | null
          success?: boolean
          tool?: string
          voice_call_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "tool_calls_conversation_id_fkey"
            columns: ["conversation_id"]
            isOneToOne: false
            referencedRelation: "conversations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "tool_calls_message_id_fkey"
            columns: ["message_id"]
            isOneToOne: false
            referencedRelation: "messages"
            referencedColumns: ["id"]
          },
        ]
      }
      transcription_usage: {
        Row: {
          conversation_id: string | null
          created_at: string
          id: number
          model: string
          seconds: number
        }
        Insert: {
          conversation_id?: string | null
          created_at?: string
          id?: never
          model: string
          seconds: number
        }
        Update: {
          conversation_id?: string | null
          created_at?: string
          id?: never
          model?: string
          seconds?: number
        }
        Relationships: [
          {
            foreignKeyName: "transcription_usage_conversation_id_fkey"
            columns: ["conversation_id"]
            isOneToOne: false
            referencedRelation: "conversations"
            referencedColumns: ["id"]
          },
        ]
      }
      voice_calls: {
        Row: {
          accept_latency_ms: number | null
          call_id: string
          customer_id: string | null
          decided_at: string
          decision: string
          end_reason: string | null
          ended_at: string | null
          failures: number
          id: number
          outcome: string
          reason: string | null
          started_at: string
          transfer: string | null
          transferred_at: string | null
          webhook_id: string
          whatsapp_at: string | null
        }
        Insert: {
          accept_latency_ms?: number | null
          call_id: string
          customer_id?: string | null
          decided_at?: string
          decision: string
          end_reason?: string | null
          ended_at?: string | null
          failures?: number
          id?: never
          outcome?: string
          reason?: string | null
          started_at?: string
          transfer?: string | null
          transferred_at?: string | null
          webhook_id: string
          whatsapp_at?: string | null
        }
        Update: {
          accept_latency_ms?: number | null
          call_id?: string
          customer_id?: string | null
          decided_at?: string
          decision?: string
          end_reason?: string | null
          ended_at?: string | null
          failures?: number
          id?: never
          outcome?: string
          reason?: string | null
          started_at?: string
          transfer?: string | null
          transferred_at?: string | null
          webhook_id?: string
          whatsapp_at?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "voice_calls_customer_id_fkey"
            columns: ["customer_id"]
            isOneToOne: false
            referencedRelation: "customers"
            referencedColumns: ["id"]
          },
        ]
      }
      voucher_action_kinds: {
        Row: {
          check_function: string
          description: string
          flag: string
          intent_keys: string[]
          kind: string
          run_function: string
        }
        Insert: {
          check_function: string
          description: string
          flag: string
          intent_keys: string[]
          kind: string
          run_function: string
        }
        Update: {
          check_function?: string
          description?: string
          flag?: string
          intent_keys?: string[]
          kind?: string
          run_function?: string
        }
        Relationships: []
      }
      vouchers: {
        Row: {
          amount_rwf: number
          approved_by: string | null
          code: string
          created_at: string
          customer_id: string
          id: string
          idempotency_key: string | null
          issued_by: string | null
          redeemed_at: string | null
          redeemed_by: string | null
          status: Database["public"]["Enums"]["voucher_status"]
          updated_at: string
          void_reason: string | null
          voided_at: string | null
          voided_by: string | null
          voucher_to_json: Json | null
        }
        Insert: {
          amount_rwf: number
          approved_by?: string | null
          code: string
          created_at?: string
          customer_id: string
          id?: string
          idempotency_key?: string | null
          issued_by?: string | null
          redeemed_at?: string | null
          redeemed_by?: string | null
          status?: Database["public"]["Enums"]["voucher_status"]
          updated_at?: string
          void_reason?: string | null
          voided_at?: string | null
          voided_by?: string | null
        }
        Update: {
          amount_rwf?: number
          approved_by?: string | null
          code?: string
          created_at?: string
          customer_id?: string
          id?: string
          idempotency_key?: string | null
          issued_by?: string | null
          redeemed_at?: string | null
          redeemed_by?: string | null
          status?: Database["public"]["Enums"]["voucher_status"]
          updated_at?: string
          void_reason?: string | null
          voided_at?: string | null
          voided_by?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "vouchers_approved_by_fkey"
            columns: ["approved_by"]
            isOneToOne: false
            referencedRelation: "operators"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "vouchers_customer_id_fkey"
            columns: ["customer_id"]
            isOneToOne: false
            referencedRelation: "customers"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "vouchers_issued_by_fkey"
            columns: ["issued_by"]
            isOneToOne: false
            referencedRelation: "operators"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "vouchers_redeemed_by_fkey"
            columns: ["redeemed_by"]
            isOneToOne: false
            referencedRelation: "operators"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "vouchers_voided_by_fkey"
            columns: ["voided_by"]
            isOneToOne: false
            referencedRelation: "operators"
            referencedColumns: ["id"]
          },
        ]
      }
      webhook_payloads: {
        Row: {
          body: string | null
          byte_length: number
          created_at: string
          detail: Json | null
          id: number
          outcome: string
          parsed_at: string | null
          sha256: string
        }
        Insert: {
          body?: string | null
          byte_length: number
          created_at?: string
          detail?: Json | null
          id?: never
          outcome?: string
          parsed_at?: string | null
          sha256: string
        }
        Update: {
          body?: string | null
          byte_length?: number
          created_at?: string
          detail?: Json | null
          id?: never
          outcome?: string
          parsed_at?: string | null
          sha256?: string
        }
        Relationships: []
      }
      whatsapp_events: {
        Row: {
          created_at: string
          field: string | null
          id: number
          kind: string
          path: string | null
          payload: NonNullable<Json>
          payload_id: number | null
        }
        Insert: {
          created_at?: string
          field?: string | null
          id?: never
          kind: string
          path?: string | null
          payload: NonNullable<Json>
          payload_id?: number | null
        }
        Update: {
          created_at?: string
          field?: string | null
          id?: never
          kind?: string
          path?: string | null
          payload?: NonNullable<Json>
          payload_id?: number | null
        }
        Relationships: []
      }
      whatsapp_opt_outs: {
        Row: {
          created_at: string
          source: string
          wa_id: string
        }
        Insert: {
          created_at?: string
          source: string
          wa_id: string
        }
        Update: {
          created_at?: string
          source?: string
          wa_id?: string
        }
        Relationships: []
      }
      whatsapp_templates: {
        Row: {
          body: string
          category: string
          language: string
          locale: string
          name: string
          parameters: string[]
          purpose: string | null
          quality: string
          reason: string | null
          status: string
          updated_at: string
        }
        Insert: {
          body: string
          category: string
          language: string
          locale: string
          name: string
          parameters?: string[]
          purpose?: string | null
          quality?: string
          reason?: string | null
          status?: string
          updated_at?: string
        }
        Update: {
          body?: string
          category?: string
          language?: string
          locale?: string
          name?: string
          parameters?: string[]
          purpose?: string | null
          quality?: string
          reason?: string | null
          status?: string
          updated_at?: string
        }
        Relationships: []
      }
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      agent_record_model_call: {
        Args: {
          p_attempts?: number
          p_conversation_id?: string
          p_input_tokens?: number
          p_latency_ms: number
          p_model: string
          p_outcome: string
          p_output_tokens?: number
        }
        Returns: undefined
      }
      agent_record_tool_call: {
        Args: {
          p_arguments?: Json
          p_call_id: string
          p_caller_role: string
          p_channel?: string
          p_conversation_id?: string
          p_error_code?: string
          p_latency_ms: number
          p_message_id?: string
          p_output?: Json
          p_success: boolean
          p_tool: string
          p_voice_call_id?: string
        }
        Returns: undefined
      }
      agent_record_transcription: {
        Args: { p_conversation_id?: string; p_model: string; p_seconds: number }
        Returns: undefined
      }
      agent_stats: { Args: { p_window_seconds: number }; Returns: Json }
      agent_transcript: {
        Args: {
          p_caller_role?: string
          p_conversation_id: string
          p_limit?: number
        }
        Returns: Json
      }
      ai_budget_spent: { Args: Record<PropertyKey, never>; Returns: boolean }
      ai_spent_today_usd: { Args: Record<PropertyKey, never>; Returns: number }
      app_setting: {
        Args: { p_default: number; p_key: string }
        Returns: number
      }
      app_setting_problem: {
        Args: { p_key: string; p_value: Json }
        Returns: string
      }
      approve_voucher_action: {
        Args: {
          p_approval_code: string
          p_message_id?: string
          p_operator_msisdn: string
        }
        Returns: Json
      }
      cancel_voucher_action: {
        Args: { p_confirmation_code: string; p_operator_msisdn: string }
        Returns: Json
      }
      confirm_voucher_action: {
        Args: {
          p_confirmation_code: string
          p_message_id?: string
          p_operator_msisdn: string
        }
        Returns: Json
      }
      cost_caller_role: { Args: { p_conversation_id: string }; Returns: string }
      cost_items: {
        Args: { p_since: string; p_until?: string }
        Returns: {
          caller_role: string
          conversation_id: string
          day: string
          kind: string
          usd: number
        }[]
      }
      cost_kigali_day_start: { Args: { p_at?: string }; Returns: string }
      cost_report: {
        Args: { p_days?: number }
        Returns: {
          caller_role: string
          conversation_id: string
          day: string
          kind: string
          rwf: number
          usd: number
        }[]
      }
      create_voucher: {
        Args: {
          p_amount_rwf: number
          p_approver_msisdn?: string
          p_customer_msisdn: string
          p_idempotency_key: string
          p_operator_msisdn: string
        }
        Returns: Json
      }
      create_voucher_action_check: {
        Args: { p_args: Json; p_operator_id: string }
        Returns: Json
      }
      create_voucher_action_run: {
        Args: {
          p_action: Database["public"]["Tables"]["pending_actions"]["Row"]
          p_approver_msisdn: string
          p_operator_msisdn: string
        }
        Returns: Json
      }
      customer_learn_user_id: {
        Args: { p_user_id: string; p_wa_id: string }
        Returns: undefined
      }
      decline_voucher_action: {
        Args: {
          p_approval_code: string
          p_message_id?: string
          p_operator_msisdn: string
        }
        Returns: Json
      }
      delivery_rank: { Args: { p_status: string }; Returns: number }
      erase_person: {
        Args: { p_msisdn: string; p_user_id?: string }
        Returns: Json
      }
      expire_voucher_actions: {
        Args: { p_operator_id?: string }
        Returns: number
      }
      find_voucher_action: {
        Args: { p_args: Json; p_kind: string; p_operator_msisdn: string }
        Returns: Json
      }
      generate_voucher_code: {
        Args: Record<PropertyKey, never>
        Returns: string
      }
      get_feature_flags: { Args: Record<PropertyKey, never>; Returns: Json }
      handoff_customer_label: {
        Args: { p_conversation_id: string }
        Returns: string
      }
      handoff_staff: { Args: Record<PropertyKey, never>; Returns: string[] }
      handoff_staff_name: { Args: { p_wa_id: string }; Returns: string }
      handoff_stats: { Args: { p_window_seconds: number }; Returns: Json }
      health_alarms: { Args: Record<PropertyKey, never>; Returns: Json }
      health_check: { Args: Record<PropertyKey, never>; Returns: Json }
      kill_switches_off: { Args: Record<PropertyKey, never>; Returns: string[] }
      kill_switches_restore: {
        Args: Record<PropertyKey, never>
        Returns: string[]
      }
      link_customer_user_id: {
        Args: { p_msisdn: string; p_user_id: string }
        Returns: Json
      }
      link_operator_user_id: {
        Args: { p_msisdn: string; p_user_id: string }
        Returns: Json
      }
      list_vouchers: {
        Args: {
          p_limit?: number
          p_msisdn: string
          p_status?: Database["public"]["Enums"]["voucher_status"]
        }
        Returns: Json
      }
      log_requests: { Args: { p_rows: Json }; Returns: number }
      lookup_customer: {
        Args: { p_msisdn: string; p_recent_limit?: number }
        Returns: Json
      }
      mask_msisdn: { Args: { p_value: string }; Returns: string }
      metric_bucket: { Args: { p_seconds: number }; Returns: number }
      metric_bucket_bounds: {
        Args: Record<PropertyKey, never>
        Returns: number[]
      }
      metric_fold_sql: { Args: { p_query: string }; Returns: string }
      metric_source_query: {
        Args: {
          p_rows: string
          p_since: string
          p_table: string
          p_until: string
        }
        Returns: string
      }
      metric_watermark: { Args: { p_table: string }; Returns: string }
      metrics_totals: { Args: Record<PropertyKey, never>; Returns: Json }
      msisdn_e164: { Args: { p_msisdn: string }; Returns: string }
      notify_voucher_action_proposer: {
        Args: {
          p_action: Database["public"]["Tables"]["pending_actions"]["Row"]
          p_text: string
        }
        Returns: undefined
      }
      operator_activity: { Args: { p_window_seconds: number }; Returns: Json }
      operator_customer_recent_vouchers: {
        Args: { p_action_id: string }
        Returns: Json
      }
      operator_limit_codes: {
        Args: Record<PropertyKey, never>
        Returns: string[]
      }
      operator_moved_24h: {
        Args: {
          p_customer_id?: string
          p_effect: Database["public"]["Enums"]["voucher_status"]
          p_operator_id: string
        }
        Returns: number
      }
      ops_backlog: { Args: Record<PropertyKey, never>; Returns: Json }
      ops_costs: { Args: Record<PropertyKey, never>; Returns: Json }
      person_language: { Args: { p_msisdn: string }; Returns: string }
      personal_data_keep: {
        Args: { p_keys: string[]; p_value: Json }
        Returns: Json
      }
      personal_data_mentions: {
        Args: { p_terms: string[]; p_text: string }
        Returns: boolean
      }
      personal_data_redact: {
        Args: { p_terms: string[]; p_value: Json }
        Returns: Json
      }
      personal_data_squeeze: { Args: { p_text: string }; Returns: string }
      propose_voucher_action: {
        Args: {
          p_args: Json
          p_conversation_id?: string
          p_kind: string
          p_operator_msisdn: string
        }
        Returns: Json
      }
      prune_agent_telemetry: {
        Args: Record<PropertyKey, never>
        Returns: number
      }
      prune_personal_data: { Args: { p_batch?: number }; Returns: Json }
      prune_request_log: { Args: Record<PropertyKey, never>; Returns: number }
      prune_whatsapp_events: {
        Args: Record<PropertyKey, never>
        Returns: number
      }
      quote_excerpt: {
        Args: { p_max: number; p_text: string }
        Returns: string
      }
      raise_voucher_transition_error: {
        Args: { p_action: string; p_code: string }
        Returns: undefined
      }
      rate_limit_take: {
        Args: { p_bucket: string; p_per_minute: number }
        Returns: Json
      }
      record_job_run: { Args: { p_job: string; p_result: Json }; Returns: Json }
      record_wrong_code: {
        Args: { p_message_id: string; p_operator_id: string; p_verb: string }
        Returns: Json
      }
      redeem_voucher: {
        Args: { p_code: string; p_operator_msisdn: string }
        Returns: Json
      }
      redeem_voucher_action_check: {
        Args: { p_args: Json; p_operator_id: string }
        Returns: Json
      }
      redeem_voucher_action_run: {
        Args: {
          p_action: Database["public"]["Tables"]["pending_actions"]["Row"]
          p_approver_msisdn: string
          p_operator_msisdn: string
        }
        Returns: Json
      }
      request_metrics: { Args: { p_window_seconds: number }; Returns: Json }
      request_voucher_action_approval: {
        Args: {
          p_action: Database["public"]["Tables"]["pending_actions"]["Row"]
          p_msisdn: string
        }
        Returns: string
      }
      require_active_operator: { Args: { p_msisdn: string }; Returns: string }
      require_arms_length: {
        Args: {
          p_amount_rwf: number
          p_approver_msisdn: string
          p_customer_id: string
          p_effect: Database["public"]["Enums"]["voucher_status"]
          p_operator_id: string
          p_verb: string
        }
        Returns: string
      }
      require_flag: { Args: { p_name: string }; Returns: undefined }
      require_not_own_customer: {
        Args: {
          p_approver_msisdn?: string
          p_customer_msisdn: string
          p_operator_msisdn: string
          p_verb: string
        }
        Returns: undefined
      }
      require_operator_limits: {
        Args: {
          p_amount_rwf?: number
          p_effect?: Database["public"]["Enums"]["voucher_status"]
          p_operator_id: string
        }
        Returns: undefined
      }
      require_user_id: { Args: { p_user_id: string }; Returns: undefined }
      retention_cutoff: {
        Args: { p_default: number; p_key: string }
        Returns: string
      }
      roll_metric_totals: { Args: Record<PropertyKey, never>; Returns: Json }
      run_voucher_action: {
        Args: {
          p_action: Database["public"]["Tables"]["pending_actions"]["Row"]
          p_approver_msisdn?: string
        }
        Returns: {
          approval_code: string | null
          approve_message_id: string | null
          approved_by: string | null
          args: NonNullable<Json>
          confirm_message_id: string | null
          confirmation_code: string
          conversation_id: string | null
          created_at: string
          decided_at: string | null
          error_code: string | null
          expires_at: string
          id: string
          intent: string
          kind: string
          operator_id: string
          result: Json | null
          status: string
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "pending_actions"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      settings_audit_actor: {
        Args: Record<PropertyKey, never>
        Returns: string
      }
      tool_lookup_take: { Args: { p_key_id: string }; Returns: Json }
      unlink_user_id: { Args: { p_user_id: string }; Returns: Json }
      voice_call_answered: {
        Args: { p_call_id: string; p_latency_ms: number; p_ok: boolean }
        Returns: undefined
      }
      voice_call_missed_text: {
        Args: { p_answered: boolean; p_language: string }
        Returns: string
      }
      voice_call_offer: {
        Args: {
          p_call_id: string
          p_enabled: boolean
          p_msisdn?: string
          p_webhook_id: string
        }
        Returns: Json
      }
      voice_call_series: {
        Args: Record<PropertyKey, never>
        Returns: {
          bucket: number
          code: string
          key: string
          n: number
          series: string
          total: number
        }[]
      }
      voice_call_transfer: {
        Args: { p_call_id: string; p_msisdn?: string; p_refer_failed?: boolean }
        Returns: Json
      }
      voice_call_whatsapp: {
        Args: { p_call_id: string; p_wa_id: string }
        Returns: Json
      }
      voice_note_settings: { Args: Record<PropertyKey, never>; Returns: Json }
      void_voucher: {
        Args: { p_code: string; p_operator_msisdn: string; p_reason: string }
        Returns: Json
      }
      void_voucher_action_check: {
        Args: { p_args: Json; p_operator_id: string }
        Returns: Json
      }
      void_voucher_action_run: {
        Args: {
          p_action: Database["public"]["Tables"]["pending_actions"]["Row"]
          p_approver_msisdn: string
          p_operator_msisdn: string
        }
        Returns: Json
      }
      voucher_action_arms_length: {
        Args: {
          p_approver_msisdn: string
          p_code: string
          p_effect: Database["public"]["Enums"]["voucher_status"]
          p_operator_id: string
          p_verb: string
        }
        Returns: undefined
      }
      voucher_action_change_limits: {
        Args: {
          p_args: Json
          p_effect: Database["public"]["Enums"]["voucher_status"]
          p_kind: string
          p_operator_id: string
          p_verb: string
        }
        Returns: Json
      }
      voucher_action_code: { Args: { p_digits: number }; Returns: string }
      voucher_action_description: {
        Args: { a: Database["public"]["Tables"]["pending_actions"]["Row"] }
        Returns: string
      }
      voucher_action_for_approver: {
        Args: {
          p_approval_code: string
          p_approver_id: string
          p_message_id: string
          p_verb: string
        }
        Returns: Json
      }
      voucher_action_intent: {
        Args: { p_args: Json; p_kind: string }
        Returns: string
      }
      voucher_action_issued_voucher: {
        Args: { p_args: Json; p_verb: string }
        Returns: Json
      }
      voucher_action_json: {
        Args: { a: Database["public"]["Tables"]["pending_actions"]["Row"] }
        Returns: Json
      }
      voucher_action_needs_approval: {
        Args: {
          p_amount_rwf: number
          p_customer_msisdn: string
          p_effect: Database["public"]["Enums"]["voucher_status"]
          p_kind: string
          p_operator_id: string
        }
        Returns: boolean
      }
      voucher_approval_buttons: {
        Args: { p_code: string; p_language: string }
        Returns: Json
      }
      voucher_receipt: {
        Args: {
          p_event: string
          p_voucher: Database["public"]["Tables"]["vouchers"]["Row"]
        }
        Returns: undefined
      }
      voucher_to_json: {
        Args: { v: Database["public"]["Tables"]["vouchers"]["Row"] }
        Returns: Json
      }
      whatsapp_alert_staff: {
        Args: { p_conversation_id: string; p_reason: string }
        Returns: number
      }
      whatsapp_apply_status_events: {
        Args: { p_message_id: string }
        Returns: undefined
      }
      whatsapp_claim_turn: {
        Args: {
          p_conversation_id: string
          p_lease_seconds?: number
          p_worker: string
        }
        Returns: Json
      }
      whatsapp_conversation_for: {
        Args: {
          p_profile_name?: string
          p_user_id: string
          p_username?: string
          p_wa_id: string
        }
        Returns: string
      }
      whatsapp_enqueue_notification: {
        Args: { p_body: string; p_purpose: string; p_wa_id: string }
        Returns: string
      }
      whatsapp_finish_turn: {
        Args: {
          p_conversation_id: string
          p_handoff?: boolean
          p_handoff_reason?: string
          p_message_ids: string[]
          p_messages?: Json
          p_outcome: string
          p_replies?: string[]
          p_worker: string
        }
        Returns: number
      }
      whatsapp_handoff_followups: {
        Args: Record<PropertyKey, never>
        Returns: number
      }
      whatsapp_handoff_relay_inbound: {
        Args: { p_conversation_id: string }
        Returns: number
      }
      whatsapp_handoff_release: {
        Args: { p_reason: string; p_staff_wa_id: string }
        Returns: Json
      }
      whatsapp_handoff_reply: {
        Args: { p_body: string; p_message_id: string; p_staff_wa_id: string }
        Returns: Json
      }
      whatsapp_handoff_take: {
        Args: { p_number: number; p_staff_wa_id: string }
        Returns: Json
      }
      whatsapp_ingest: {
        Args: {
          p_events: Json
          p_messages: Json
          p_payload_id?: number
          p_statuses: Json
        }
        Returns: Json
      }
      whatsapp_ingest_payload: {
        Args: {
          p_events: Json
          p_messages: Json
          p_payload_id: number
          p_statuses: Json
        }
        Returns: Json
      }
      whatsapp_merge_waiting: { Args: { p_head: string }; Returns: Json }
      whatsapp_next_outbox: {
        Args: { p_conversation_id: string; p_worker: string }
        Returns: Json
      }
      whatsapp_opt_in: { Args: { p_wa_id: string }; Returns: boolean }
      whatsapp_opt_out: {
        Args: { p_source: string; p_wa_id: string }
        Returns: boolean
      }
      whatsapp_opt_out_refused: {
        Args: { p_message_id: string }
        Returns: undefined
      }
      whatsapp_pair_wait: { Args: { p_message_id: string }; Returns: string }
      whatsapp_payload_replayable: {
        Args: { p_detail: Json; p_outcome: string }
        Returns: boolean
      }
      whatsapp_payloads_to_replay: {
        Args: { p_ids?: number[]; p_limit?: number }
        Returns: Json
      }
      whatsapp_pending_conversations: {
        Args: { p_limit?: number }
        Returns: string[]
      }
      whatsapp_purpose_template: { Args: { p_purpose: string }; Returns: Json }
      whatsapp_receive: {
        Args: {
          p_body: string
          p_detail?: Json
          p_events?: Json
          p_messages?: Json
          p_outcome?: string
          p_statuses?: Json
        }
        Returns: Json
      }
      whatsapp_record_send: {
        Args: {
          p_error_code?: number
          p_error_title?: string
          p_message_id: string
          p_outcome: string
          p_retry_after_ms?: number
          p_wa_message_id?: string
        }
        Returns: undefined
      }
      whatsapp_redrive: { Args: Record<PropertyKey, never>; Returns: Json }
      whatsapp_release: {
        Args: { p_conversation_id: string; p_force?: boolean; p_worker: string }
        Returns: boolean
      }
      whatsapp_renew_claim: {
        Args: {
          p_conversation_id: string
          p_lease_seconds: number
          p_worker: string
        }
        Returns: string
      }
      whatsapp_replay_payload: {
        Args: {
          p_detail?: Json
          p_events?: Json
          p_id: number
          p_messages?: Json
          p_outcome?: string
          p_statuses?: Json
        }
        Returns: Json
      }
      whatsapp_requeue_stuck: {
        Args: Record<PropertyKey, never>
        Returns: Json
      }
      whatsapp_require_claim: {
        Args: { p_conversation_id: string; p_worker: string }
        Returns: {
          claimed_by: string | null
          claimed_until: string | null
          created_at: string
          human_note_at: string | null
          id: string
          last_inbound_at: string | null
          profile_name: string | null
          state: string
          state_changed_at: string
          state_reason: string | null
          throttled_until: string | null
          updated_at: string
          user_id: string | null
          username: string | null
          wa_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "conversations"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      whatsapp_return_expired_handoffs: {
        Args: { p_conversation_id?: string }
        Returns: number
      }
      whatsapp_return_to_bot: {
        Args: { p_conversation_id: string }
        Returns: boolean
      }
      whatsapp_sender_for: {
        Args: { p_user_id: string; p_wa_id: string }
        Returns: Json
      }
      whatsapp_sender_ids: {
        Args: { p_conversation_id: string }
        Returns: Json
      }
      whatsapp_set_auth_error: { Args: { p_title: string }; Returns: undefined }
      whatsapp_settle_merged: {
        Args: { p_carrier: string }
        Returns: undefined
      }
      whatsapp_stats: { Args: { p_window_seconds: number }; Returns: Json }
      whatsapp_store_payload: {
        Args: { p_body: string; p_detail?: Json; p_outcome?: string }
        Returns: number
      }
      whatsapp_store_transcript: {
        Args: {
          p_conversation_id: string
          p_message_id: string
          p_text: string
          p_worker: string
        }
        Returns: boolean
      }
      whatsapp_template_for: {
        Args: { p_language: string; p_name: string }
        Returns: Json
      }
      whatsapp_template_parameter: { Args: { p_text: string }; Returns: string }
      whatsapp_template_statuses: {
        Args: Record<PropertyKey, never>
        Returns: Json
      }
      whatsapp_template_update: {
        Args: { p_field: string; p_value: Json }
        Returns: boolean
      }
      whatsapp_templates_unusable: {
        Args: Record<PropertyKey, never>
        Returns: Json
      }
      whatsapp_time: { Args: { p_value: string }; Returns: string }
      whatsapp_transient: { Args: { p_sqlstate: string }; Returns: boolean }
      whatsapp_voice_note_media: {
        Args: {
          p_conversation_id: string
          p_message_id: string
          p_worker: string
        }
        Returns: Json
      }
    }
    Enums: {
      voucher_status: "issued" | "redeemed" | "void"
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  public: {
    Enums: {
      voucher_status: ["issued", "redeemed", "void"],
    },
  },
} as const

